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
#include "solver/from_source.h"
#include "solver/solve_ops.h"

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
};

FileArgs file_args(const frontend::Step& step) {
  FileArgs a;
  if (auto* c = std::get_if<frontend::CopyInstruction>(&step.value)) {
    a = {"COPY", c->sources, c->dest, c->chown, c->chmod, c->exclude, c->link, c->heredocs};
  } else {
    const auto& d = std::get<frontend::AddInstruction>(step.value);
    a = {"ADD", d.sources, d.dest, d.chown, d.chmod, d.exclude, d.link, d.heredocs, d.unpack};
    for (const auto& s : d.sources)
      if (s.find("://") != std::string::npos || s.starts_with("git@"))
        throw Error(ErrorCode::Invalid, "ADD from a URL or git is not supported yet: " + s, step.range);
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

mode_t parse_chmod(const std::string& text) {
  if (text.find_first_of("ugoa+-=") != std::string::npos)
    throw Error(ErrorCode::Invalid, "symbolic --chmod (" + text + ") is not supported yet: use an octal mode");
  if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos)
    throw Error(ErrorCode::Invalid, "invalid chmod parameter: " + text + " (an octal mode such as 0755)");
  return static_cast<mode_t>(std::stoul(text, nullptr, 8));
}

CopyPlacement placement_for(OpContext& ctx, const frontend::Step& step, const FileArgs& a, size_t matches,
                            const LowerFs& lower, const StageState& state) {
  CopyPlacement p;
  std::string dest = clean_path(absolute_dest(step, a.dest));
  // A wildcard matching one file copies to a file, as in BuildKit.
  p.dest_is_dir = a.dest.empty() || a.dest.ends_with("/") || a.dest.ends_with("/.") || a.dest == "." ||
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
  p.unpack_archives = a.unpack && !step.from;
  p.new_dir_mtime = ctx.options.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr)));
  return p;
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

exporter::Layer write_tree_layer(OpContext& ctx, const std::string& tree, exporter::OwnerMap owners) {
  TempDir work("layer-", ctx.store.root());
  std::string layer_path = work.path() + "/layer";
  exporter::LayerWriteOptions options = ctx.layer_options();
  options.owners = std::make_shared<const exporter::OwnerMap>(std::move(owners));
  exporter::Layer layer = exporter::write_layer_from_dir(tree, options, layer_path);
  ctx.store.ingest_file(layer_path, layer.blob.digest, layer.blob.size);
  return layer;
}

namespace {

exporter::Layer copy_layer(OpContext& ctx, const Selection& sel, const std::string& source_root,
                           const CopyPlacement& p, const LowerFs& lower) {
  TempDir work("copy-", ctx.store.root());
  std::string tree = work.path() + "/tree";
  make_dirs(tree);
  exporter::OwnerMap owners = place_selection(sel, source_root, p, lower, tree);
  return write_tree_layer(ctx, tree, std::move(owners));
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
    BuildContext& files = src.tree ? *src.tree : ctx.context;
    std::unique_lock context_lock(ctx.context_mu, std::defer_lock);
    if (&files == &ctx.context) context_lock.lock();  // held until the layer is written
    Selection sel = files.select(heredoc ? heredoc_names(a) : a.sources, a.exclude);
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
    in.excludes = a.exclude;
    if (!s.from || heredoc) {
      ContentDigest cd = files.digest_of(sel);
      in.content = cd.digest;
      in.files = std::move(cd.files);
    }
    CacheKey key = file_key(in);
    if (reuse_cached(ctx, id, key, state)) {
      add_history(state, created_by(a), false);
      return;
    }
    exporter::Layer layer = copy_layer(ctx, sel, files.dir(), p, lower);
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
