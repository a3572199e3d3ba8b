// BuildContext::select: Docker's COPY/ADD source rules over a context.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <cerrno>
#include <memory>

#include "context_paths.h"
#include "glob_match.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/solver/build_context.h"

namespace ocbuild::solver {
namespace {

EntryType type_of(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return EntryType::File;
  if (S_ISDIR(st.st_mode)) return EntryType::Dir;
  if (S_ISLNK(st.st_mode)) return EntryType::Symlink;
  return EntryType::Other;
}

// Names in a directory, sorted bytewise. `fd` is not consumed.
std::vector<std::string> list_dir(int fd, const std::string& path) {
  int copy = ::dup(fd);
  if (copy < 0) throw Error::io("open directory " + path, errno);
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(copy), ::closedir);
  if (!dir) {
    ::close(copy);
    throw Error::io("open directory " + path, errno);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> list_dir(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error::io("open directory " + path, errno);
  return list_dir(fd.get(), path);
}

std::string read_link_at(int dirfd, const std::string& name, const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlinkat(dirfd, name.c_str(), buf.data(), buf.size());
  if (n < 0) throw Error::io("readlink " + path, errno);
  buf.resize(size_t(n));
  return buf;
}

// One select() call: the context, its ignore matcher and the --exclude list.
class Selector {
 public:
  Selector(const std::string& root, const frontend::PatternMatcher* ignore, const frontend::PatternMatcher* exclude)
      : root_(root), ignore_(ignore), exclude_(exclude) {}

  // Logical context paths a (cleaned) pattern names, wildcards expanded.
  std::vector<std::string> expand(const std::string& pattern) const {
    std::vector<std::string> paths{""};
    for (const std::string& comp : split_path(pattern)) {
      std::vector<std::string> next;
      for (const std::string& base : paths) {
        if (!has_wildcards(comp)) {
          next.push_back(join_path(base, comp));
          continue;
        }
        auto dir = resolve_in_root(root_, base, true);
        if (!dir || !S_ISDIR(dir->st.st_mode)) continue;
        for (const std::string& name : list_dir(full(dir->path))) {
          if (glob_match(comp, name)) next.push_back(join_path(base, name));
        }
      }
      paths = std::move(next);
    }
    return paths;
  }

  // The match for one logical path, or nullopt when absent or ignored.
  std::optional<SourceMatch> match(const std::string& pattern, const std::string& path) const {
    auto real = resolve_in_root(root_, path, true);
    if (!real) return std::nullopt;
    SourceMatch m{pattern, path, S_ISDIR(real->st.st_mode), false, {}};
    bool ignored = ignored_path(real->path);
    if (m.is_dir) {
      if (ignored && !ignore_->has_exclusions()) return std::nullopt;
      m.entries.push_back(entry("", real->path, real->st));
      if (ignore_ || exclude_) collect(real->path, "", m.entries);  // matchers are single threaded
      else collect_parallel(real->path, m.entries);
      if (ignored && m.entries.size() == 1) return std::nullopt;
      m.walked_whole = !exclude_;  // .dockerignore'd files are never wanted: they may be left out
    } else {
      std::string base = split_path(path).empty() ? path : split_path(path).back();
      if (ignored || (exclude_ && exclude_->matches_or_parent_matches(base))) return std::nullopt;
      m.entries.push_back(entry("", real->path, real->st));
    }
    return m;
  }

 private:
  std::string full(const std::string& ctx_path) const { return ctx_path.empty() ? root_ : root_ + "/" + ctx_path; }
  bool ignored_path(const std::string& ctx_path) const {
    return ignore_ && !ctx_path.empty() && ignore_->matches_or_parent_matches(ctx_path);
  }

  SelectedEntry entry(std::string rel, std::string ctx_path, const struct stat& st, int dirfd = AT_FDCWD,
                      const std::string& name = "") const {
    SelectedEntry e{std::move(rel), std::move(ctx_path), type_of(st), st, {}};
    if (e.type == EntryType::Symlink) {
      e.link_target = dirfd == AT_FDCWD ? read_link_at(AT_FDCWD, full(e.context_path), full(e.context_path))
                                        : read_link_at(dirfd, name, full(e.context_path));
    }
    return e;
  }

  // Depth first, names in byte order; symlinks kept, never followed. Stats
  // are taken relative to the open directory (no full path lookups) and
  // entries go straight into `out`; an excluded directory that nothing
  // re-included is taken back out.
  void collect(const std::string& ctx_dir, const std::string& rel_dir, std::vector<SelectedEntry>& out) const {
    UniqueFd dfd(::open(full(ctx_dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!dfd) throw Error::io("open directory " + full(ctx_dir), errno);
    for (const std::string& name : list_dir(dfd.get(), full(ctx_dir))) {
      std::string ctx_path = join_path(ctx_dir, name), rel = join_path(rel_dir, name);
      struct stat st;
      if (::fstatat(dfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // vanished during the walk
        throw Error::io("stat " + full(ctx_path), errno);
      }
      bool ignored = ignored_path(ctx_path);
      bool excluded = exclude_ && exclude_->matches_or_parent_matches(rel);
      if (!S_ISDIR(st.st_mode)) {
        if (!ignored && !excluded) out.push_back(entry(std::move(rel), std::move(ctx_path), st, dfd.get(), name));
        continue;
      }
      bool may_reinclude = (!ignored || ignore_->has_exclusions()) && (!excluded || exclude_->has_exclusions());
      if (!may_reinclude) continue;
      size_t at = out.size();
      out.push_back(entry(rel, ctx_path, st, dfd.get(), name));
      collect(ctx_path, rel, out);
      if ((ignored || excluded) && out.size() == at + 1) out.pop_back();
    }
  }

  // collect() with the top-level subdirectories walked on several threads
  // (lstat-bound on big contexts); the result is in the same order.
  void collect_parallel(const std::string& ctx_dir, std::vector<SelectedEntry>& out) const {
    std::vector<SelectedEntry> top;
    {
      UniqueFd dfd(::open(full(ctx_dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
      if (!dfd) throw Error::io("open directory " + full(ctx_dir), errno);
      for (const std::string& name : list_dir(dfd.get(), full(ctx_dir))) {
        struct stat st;
        if (::fstatat(dfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
          if (errno == ENOENT) continue;
          throw Error::io("stat " + full(join_path(ctx_dir, name)), errno);
        }
        top.push_back(entry(name, join_path(ctx_dir, name), st, dfd.get(), name));
      }
    }
    std::vector<std::vector<SelectedEntry>> below(top.size());
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mu;
    auto worker = [&] {
      for (size_t i; (i = next.fetch_add(1)) < top.size();) {
        if (top[i].type != EntryType::Dir) continue;
        try {
          collect(top[i].context_path, top[i].rel, below[i]);
        } catch (...) {
          std::lock_guard lock(error_mu);
          if (!error) error = std::current_exception();
        }
      }
    };
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(worker);
    worker();
    pool.clear();
    if (error) std::rethrow_exception(error);
    size_t total = out.size() + top.size();
    for (const auto& b : below) total += b.size();
    out.reserve(total);  // one allocation: a 20,000-entry context is ~5 MB of entries
    for (size_t i = 0; i < top.size(); ++i) {
      out.push_back(std::move(top[i]));
      std::move(below[i].begin(), below[i].end(), std::back_inserter(out));
    }
  }

  const std::string& root_;
  const frontend::PatternMatcher* ignore_;
  const frontend::PatternMatcher* exclude_;
};

}  // namespace

size_t Selection::entry_count() const {
  size_t n = 0;
  for (const auto& m : matches) n += m.entries.size();
  return n;
}

Selection BuildContext::select(const std::vector<std::string>& sources, const std::vector<std::string>& excludes,
                              bool allow_empty) const {
  auto started = std::chrono::steady_clock::now();
  Selection selection = select_now(sources, excludes, allow_empty);
  stats_.entries += selection.entry_count();
  stats_.select += std::chrono::steady_clock::now() - started;
  return selection;
}

Selection BuildContext::select_now(const std::vector<std::string>& sources, const std::vector<std::string>& excludes,
                                   bool allow_empty) const {
  std::optional<frontend::PatternMatcher> exclude;
  if (!excludes.empty()) exclude.emplace(excludes);
  Selector selector(dir_, ignore_.get(), exclude ? &*exclude : nullptr);
  Selection selection;
  for (const std::string& source : sources) {
    std::string pattern = context_source_path(source);
    bool wildcard = has_wildcards(pattern);
    size_t before = selection.matches.size();
    for (const std::string& path : selector.expand(pattern)) {
      if (auto m = selector.match(source, path)) selection.matches.push_back(std::move(*m));
    }
    if (!wildcard && !allow_empty && selection.matches.size() == before) {
      throw Error(ErrorCode::NotFound, "COPY source \"" + source + "\" not found in the build context " + dir_ +
                                           " (missing, or excluded by .dockerignore)");
    }
  }
  if (selection.matches.empty() && !allow_empty) {
    std::string list;
    for (const auto& s : sources) list += (list.empty() ? "" : ", ") + s;
    throw Error(ErrorCode::NotFound, "no source files were specified: nothing in the build context matches " + list);
  }
  return selection;
}

}  // namespace ocbuild::solver
