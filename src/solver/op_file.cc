// COPY/ADD from the build context or from another stage (--from). The
// selected files are written into a fresh tree that becomes the layer
// (BuildKit's --link style diff): correct for new files; a COPY over an
// existing directory does not carry the lower directory's metadata.
#include <sys/stat.h>

#include <chrono>
#include <mutex>
#include <ctime>

#include <fcntl.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/frontend/line_parsers.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/base_image.h"
#include "ocbuild/snapshot/user_spec.h"
#include "solver/context_paths.h"
#include "solver/copy_parents.h"
#include "solver/from_source.h"
#include "solver/solve_ops.h"
#include "solver/url_source.h"

namespace ocbuild::solver {
namespace {

// The fields COPY and ADD share.
struct FileArgs {
  std::string instruction;
  std::vector<std::string> sources;
  std::string dest;
  std::optional<std::string> chown, chmod;
  std::vector<std::string> exclude;
  bool link = false;
  std::vector<frontend::Heredoc> heredocs;
  bool unpack = false;
  bool parents = false;
  std::optional<std::string> checksum;  // ADD --checksum
  std::vector<std::string> urls;        // ADD: the http(s) URL sources, in order

  bool mixed() const { return !urls.empty() && urls.size() != sources.size(); }
};

// ADD sources: URLs are downloaded, local files read from the context (both
// may be mixed, as in BuildKit); git is refused.
void check_add_sources(FileArgs& a, const frontend::Step& step) {
  for (const auto& s : a.sources) {
    if (is_git_source(s))
      throw Error(ErrorCode::Invalid, "ADD of a git repository is not supported: " + s, step.range);
    if (is_url_source(s)) a.urls.push_back(s);
  }
  if (a.checksum && a.urls.size() != a.sources.size())
    throw Error(ErrorCode::Invalid, "ADD --checksum can't be specified for non-HTTP(S) sources", step.range);
}

FileArgs file_args(const frontend::Step& step) {
  FileArgs a;
  if (auto* c = std::get_if<frontend::CopyInstruction>(&step.value)) {
    a = {"COPY", c->sources, c->dest, c->chown, c->chmod, c->exclude, c->link, c->heredocs, false, c->parents, std::nullopt, {}};
    for (const auto& src : a.sources)
      if (is_url_source(src) && !c->from)
        throw Error(ErrorCode::Invalid, "source can't be a URL for COPY (use ADD): " + src, step.range);
  } else {
    const auto& d = std::get<frontend::AddInstruction>(step.value);
    a = {"ADD", d.sources, d.dest, d.chown, d.chmod, d.exclude, d.link, d.heredocs, d.unpack, false, d.checksum, {}};
    check_add_sources(a, step);
  }
  size_t here = 0;
  for (const auto& s : a.sources) here += !a.heredocs.empty() && frontend::parse_heredoc_word(s) ? 1 : 0;
  if (here && here != a.sources.size())
    throw Error(ErrorCode::Invalid, a.instruction + " mixing heredocs and other sources is not supported yet", step.range);
  return a;
}


// Heredoc sources become files named after their terminators (mode 0644)
// in a temp dir that is then read like a context.
void write_heredocs(OpContext& ctx, const FileArgs& a, Source& src) {
  src.heredoc_dir.emplace("heredoc-", ctx.store.root());
  int64_t mtime = ctx.options.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr)));
  for (const auto& h : a.heredocs) {
    std::string path = src.heredoc_dir->path() + "/" + h.name;
    write_file_atomic(path, h.content);
    ::chmod(path.c_str(), 0644);
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
  }
  src.tree.emplace(src.heredoc_dir->path(), std::nullopt, "");
}

// ADD <url>...: fetched (every build) into a temp dir then read like a context.
UrlDownloads download(OpContext& ctx, const FileArgs& a, Source& src) {
  src.heredoc_dir.emplace("download-", ctx.store.root());
  UrlDownloads d = fetch_urls(a.urls, src.heredoc_dir->path(), a.checksum, ctx.options.source_date_epoch, &ctx.store);
  src.tree.emplace(src.heredoc_dir->path(), std::nullopt, "");
  return d;
}

std::vector<std::string> heredoc_names(const FileArgs& a) {
  std::vector<std::string> out;
  for (const auto& s : a.sources) out.push_back(frontend::parse_heredoc_word(s)->name);
  return out;
}

std::string absolute_dest(const frontend::Step& step, const std::string& dest) {
  if (dest.starts_with("/")) return dest;
  std::string wd = step.state.working_dir.empty() ? "/" : step.state.working_dir;
  return wd + "/" + dest;
}

// --chown as BuildKit resolves it in the destination image: a name missing
// from /etc/passwd or /etc/group gives 0 without error; a bare uid is also
// the gid, a bare name takes its primary group.
std::pair<uid_t, gid_t> resolve_chown(OpContext& ctx, const StageState& state, const std::string& spec) {
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string::npos) {
    auto id = static_cast<uid_t>(std::stoul(spec));
    return {id, id};
  }
  std::vector<std::string> dirs;
  if (!state.layers.empty()) dirs = ctx.snapshots.layer_dirs(ctx.snapshots.unpack(state.layers));
  try {
    auto user = snapshot::resolve_user(spec, dirs);
    return {user.uid, user.gid};
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
    return {0, 0};
  }
}

frontend::ChmodSpec parse_chmod(const std::string& text) {
  auto spec = frontend::ChmodSpec::parse(text);
  if (!spec)
    throw Error(ErrorCode::Invalid, "invalid chmod parameter: " + text +
                                        " (an octal mode up to 07777 or a symbolic mode such as u+x,go-w)");
  return *spec;
}

CopyPlacement placement_for(OpContext& ctx, const frontend::Step& step, const FileArgs& a, size_t matches,
                            const LowerFs& lower, const StageState& state) {
  CopyPlacement p;
  std::string dest = clean_path(absolute_dest(step, a.dest));
  // A wildcard matching one file copies to a file, as in BuildKit.
  p.dest_is_dir = a.parents || a.dest.empty() || a.dest.ends_with("/") || a.dest.ends_with("/.") || a.dest == "." ||
                  a.sources.size() > 1 || matches > 1 || dest == "/";
  p.dest = lower.resolve(dest, p.dest_is_dir);
  if (!p.dest_is_dir) {
    auto below = lower.lookup(lower.resolve(dest, true));
    if (below && S_ISDIR(below->st.st_mode)) {
      p.dest_is_dir = true;
      p.dest = lower.resolve(dest, true);
    }
  }
  if (a.chmod) p.chmod = parse_chmod(*a.chmod);
  if (a.chown) p.chown = resolve_chown(ctx, state, *a.chown);
  p.keep_owner = step.from.has_value();
  p.unpack_archives = a.unpack && !step.from;  // downloads never are (SelectionPart::may_unpack)
  p.new_dir_mtime = ctx.options.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr)));
  return p;
}

// What the sources name in `files`: heredoc bodies, downloads, or context
// (or --from) paths, rewritten for --parents.
Selection select_files(const BuildContext& files, const FileArgs& a, bool heredoc,
                       const std::optional<UrlDownloads>& downloads) {
  if (heredoc) return files.select(heredoc_names(a), a.exclude);
  if (downloads) return files.select(downloads->names, a.exclude);
  if (!a.parents) return files.select(a.sources, a.exclude);
  return select_parents(files, a.sources, a.exclude);
}

// An ADD mixing URLs and local files: a selection per source, placed in the
// order written (a later source overwrites an earlier one, as in BuildKit),
// and the local ones together for the cache key.
struct MixedSelection {
  std::vector<Selection> per_source;
  std::vector<SelectionPart> parts;
  Selection local;
};

MixedSelection select_mixed(const BuildContext& context, const BuildContext& downloaded, const FileArgs& a,
                            const UrlDownloads& d) {
  MixedSelection out;
  out.per_source.reserve(a.sources.size());  // parts point into it
  size_t url = 0;
  for (const auto& source : a.sources) {
    bool is_url = is_url_source(source);
    const BuildContext& from = is_url ? downloaded : context;
    out.per_source.push_back(from.select({is_url ? d.names.at(url++) : source}, a.exclude));
    out.parts.push_back({&out.per_source.back(), from.dir(), !is_url});
    if (!is_url)
      for (const auto& m : out.per_source.back().matches) out.local.matches.push_back(m);
  }
  return out;
}

std::string created_by(const FileArgs& a) {
  std::string text = a.instruction;
  for (const auto& s : a.sources) text += " " + s;
  return text + " " + a.dest + " # buildkit";
}

}  // namespace

LowerFs lower_fs(OpContext& ctx, const StageState& state) {
  if (state.layers.empty()) return LowerFs();
  return LowerFs(ctx.snapshots.layer_dirs(ctx.snapshots.unpack(state.layers)));
}

exporter::Layer write_tree_layer(OpContext& ctx, const std::string& tree, exporter::OwnerMap owners,
                                 exporter::DataSources data_from) {
  TempDir work("layer-", ctx.store.root());
  std::string layer_path = work.path() + "/layer";
  exporter::LayerWriteOptions options = ctx.layer_options();
  options.owners = std::make_shared<const exporter::OwnerMap>(std::move(owners));
  if (!data_from.empty()) options.data_from = std::make_shared<const exporter::DataSources>(std::move(data_from));
  exporter::Layer layer = exporter::write_layer_from_dir(tree, options, layer_path);
  ctx.store.ingest_file(layer_path, layer.blob.digest, layer.blob.size);
  return layer;
}

namespace {

exporter::Layer copy_layer(OpContext& ctx, const std::vector<SelectionPart>& parts, const CopyPlacement& p,
                           const LowerFs& lower) {
  TempDir work("copy-", ctx.store.root());
  std::string tree = work.path() + "/tree";
  make_dirs(tree);
  PlacedTree placed = place_selection(parts, p, lower, tree);
  return write_tree_layer(ctx, tree, std::move(placed.owners), std::move(placed.data_from));
}

}  // namespace

void solve_file(OpContext& ctx, const frontend::Stage& stage, const frontend::Step& s, size_t position,
                StageState& state) {
  StepId id = start_step(ctx, stage, position, s.original);
  int step = id.step;
  auto start = std::chrono::steady_clock::now();
  try {
    FileArgs a = file_args(s);
    Source src;
    if (s.from) resolve_from(ctx, *s.from, src);
    if (s.from) open_tree_for(ctx, src, a.sources);
    bool heredoc = !a.heredocs.empty() && !a.sources.empty() && frontend::parse_heredoc_word(a.sources[0]);
    if (heredoc) write_heredocs(ctx, a, src);
    std::optional<UrlDownloads> downloads;
    if (!a.urls.empty()) downloads = download(ctx, a, src);
    BuildContext& files = src.tree ? *src.tree : ctx.context;
    std::unique_lock context_lock(ctx.context_mu, std::defer_lock);
    if (&files == &ctx.context || a.mixed()) context_lock.lock();  // held until the layer is written
    std::optional<MixedSelection> mixed;
    if (a.mixed()) mixed = select_mixed(ctx.context, files, a, *downloads);
    Selection sel = mixed ? mixed->local : select_files(files, a, heredoc, downloads);
    std::vector<SelectionPart> parts =
        mixed ? mixed->parts : std::vector<SelectionPart>{{&sel, files.dir(), !downloads}};
    FileKeyInput in;
    in.parent = state.key;
    in.instruction = a.instruction == "ADD" && !a.unpack ? "ADD --unpack=false" : a.instruction;
    in.from = src.from_key;
    in.sources = a.sources;
    LowerFs lower = lower_fs(ctx, state);
    CopyPlacement p = placement_for(ctx, s, a, sel.matches.size(), lower, state);
    in.destination = p.dest + (p.dest_is_dir ? "/" : "");
    in.chown = p.chown ? std::to_string(p.chown->first) + ":" + std::to_string(p.chown->second) : "";
    in.chmod = a.chmod.value_or("");
    in.link = a.link;
    in.parents = a.parents;
    if (downloads) in.checksum = downloads->key;  // the content and mtime of every URL
    in.excludes = a.exclude;
    if (!s.from || heredoc || downloads) {
      ContentDigest cd = mixed ? ctx.context.digest_of(sel) : files.digest_of(sel);
      in.content = cd.digest;
      in.files = std::move(cd.files);
    }
    CacheKey key = file_key(in);
    if (reuse_cached(ctx, id, key, state)) {
      add_history(state, created_by(a), false);
      return;
    }
    exporter::Layer layer = copy_layer(ctx, parts, p, lower);
    record_result(ctx, key, layer, state);
    add_history(state, created_by(a), false);
  } catch (Error& e) {
    ctx.progress.step_failed(step, e.message());
    if (!e.where()) e.at(s.range);
    throw;
  }
  ctx.progress.step_finished(step, std::chrono::steady_clock::now() - start);
}

}  // namespace ocbuild::solver
