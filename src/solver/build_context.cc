#include "ocbuild/solver/build_context.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/export/layer_applier.h"

namespace ocbuild::solver {
namespace {

const char* type_name(EntryType t) {
  switch (t) {
    case EntryType::File: return "file";
    case EntryType::Dir: return "dir";
    case EntryType::Symlink: return "symlink";
    case EntryType::Other: return "other";
  }
  return "?";
}

// What a copy of an entry depends on besides its content: type, permission
// bits and link target. Times and owners are left out (COPY resets owners).
std::string entry_meta(const SelectedEntry& e) {
  char mode[8];
  std::snprintf(mode, sizeof mode, " %04o", unsigned(e.st.st_mode & 07777));
  std::string meta = std::string(type_name(e.type)) + mode;
  if (e.type == EntryType::Symlink) meta += " -> " + e.link_target;
  return meta;
}

void copy_fd_to(int in, const std::string& path) {
  AtomicFile out(path, 0600);
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = read_retry(in, buf.data(), buf.size());
    if (n < 0) throw Error::io("read the build context tar", errno);
    if (n == 0) break;
    out.write(std::string_view(buf.data(), size_t(n)));
  }
  out.commit();
}

}  // namespace

BuildContext::BuildContext(std::string dir, std::optional<frontend::DockerignoreFile> ignore,
                           std::string stat_cache_path)
    : dir_(std::move(dir)) {
  if (ignore) ignore_ = std::make_unique<frontend::PatternMatcher>(frontend::compile_dockerignore(*ignore));
  stat_cache_ = stat_cache_path.empty() ? std::make_unique<StatCache>() : std::make_unique<StatCache>(stat_cache_path);
}

BuildContext::~BuildContext() = default;
BuildContext::BuildContext(BuildContext&&) noexcept = default;
BuildContext& BuildContext::operator=(BuildContext&&) noexcept = default;

BuildContext BuildContext::open(const std::string& dir, const std::string& dockerfile, const std::string& store_root) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throw Error::io("build context " + dir, errno);
  if (!S_ISDIR(st.st_mode)) throw Error(ErrorCode::Invalid, "build context " + dir + " is not a directory");
  // One stat cache per real directory, however the path was spelled.
  std::unique_ptr<char, void (*)(void*)> real(::realpath(dir.c_str(), nullptr), std::free);
  if (!real) throw Error::io("resolve build context " + dir, errno);
  std::string abs = real.get();
  return BuildContext(abs, frontend::load_dockerignore(abs, dockerfile), StatCache::path_for(store_root, abs));
}

BuildContext BuildContext::from_tar(int fd, const std::string& dockerfile_in_tar, const std::string& store_root) {
  TempDir tmp("ocbuild-context-");
  std::string blob = tmp.path() + "/context.tar", root = tmp.path() + "/context";
  copy_fd_to(fd, blob);
  if (::mkdir(root.c_str(), 0755) != 0) throw Error::io("mkdir " + root, errno);
  exporter::ApplyOptions options;
  options.layer_name = "build context from stdin";
  options.create_devices = false;
  options.preserve_owners = false;
  exporter::apply_layer(blob, root, options);
  ::unlink(blob.c_str());
  // A fresh directory every time: its stat cache would never hit, keep it in memory.
  BuildContext ctx(root, frontend::load_dockerignore(root, root + "/" + dockerfile_in_tar), "");
  ctx.owned_.emplace(std::move(tmp));
  return ctx;
}

ContentDigest BuildContext::digest_of(const Selection& selection) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> paths;
  std::vector<struct stat> stats;
  paths.reserve(selection.entry_count());
  stats.reserve(selection.entry_count());
  for (const auto& m : selection.matches) {
    for (const auto& e : m.entries) {
      if (e.type == EntryType::File) paths.push_back(e.context_path), stats.push_back(e.st);
    }
  }
  FileHasher hasher(dir_, *stat_cache_);
  std::vector<Digest> contents = hasher.hash(paths, stats);
  for (const auto& m : selection.matches) {  // every file under it was just looked up
    if (m.walked_whole && !m.entries.empty()) stat_cache_->listed(m.entries.front().context_path);
  }
  files_read_ += hasher.reads();
  stats_.files += paths.size();
  stats_.read += hasher.reads();

  ContentDigest out;
  out.files.reserve(selection.entry_count());
  Hasher h;
  h.field("context-digest", "ocbuild-context-v1");
  size_t next = 0;
  for (const auto& m : selection.matches) {
    h.field("match", m.path);
    for (const auto& e : m.entries) {
      FileDigest f{e.context_path.empty() ? "." : e.context_path, {}, entry_meta(e)};
      if (e.type == EntryType::File) f.digest = std::move(contents[next++]);
      h.field("path", e.rel);
      h.field("meta", f.meta);
      h.field("content", f.digest.hex());
      out.files.push_back(std::move(f));
    }
  }
  out.digest = h.finish();
  stats_.digest += std::chrono::steady_clock::now() - started;
  return out;
}

void BuildContext::save_stat_cache() { stat_cache_->save(); }
size_t BuildContext::files_read() const { return files_read_; }
BuildContext::Stats BuildContext::stats() const { return stats_; }

}  // namespace ocbuild::solver
