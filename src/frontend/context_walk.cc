// The walk in tonistiigi/fsutil's filterFS.Walk, restated: directories are
// read through file descriptors (openat with O_NOFOLLOW, fstatat with
// AT_SYMLINK_NOFOLLOW) so no symlink is ever followed, and each directory's
// per-pattern match results are handed to its children.
#include "ocbuild/frontend/context_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::frontend {
namespace {

// "a/**" and "a/*" can only re-include things below "a".
std::string without_trailing_glob(std::string p) {
  if (p.size() >= 3 && p.compare(p.size() - 3, 3, "/**") == 0) p.resize(p.size() - 3);
  if (p.size() >= 2 && p.compare(p.size() - 2, 2, "/*") == 0) p.resize(p.size() - 2);
  return p;
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

class Walker {
 public:
  Walker(std::string root, const PatternMatcher* m, const WalkCallback& cb)
      : root_(std::move(root)), matcher_(m), callback_(cb) {
    if (!matcher_) return;
    for (size_t i = 0; i < matcher_->size(); ++i) {
      if (!matcher_->is_exclusion(i)) continue;
      std::string p = without_trailing_glob(matcher_->pattern(i));
      exception_prefixes_.push_back(p + "/");
      if (p.find_first_of("*[]?^\\") != std::string::npos) only_prefix_exceptions_ = false;
    }
  }

  WalkStats run() {
    UniqueFd fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw Error::io("open build context " + root_, errno);
    walk_dir(std::move(fd), "", MatchInfo{});
    return stats_;
  }

 private:
  struct Ancestor {
    ContextEntry entry;
    bool yielded;
  };

  std::vector<std::string> read_names(UniqueFd fd, const std::string& rel) {
    ++stats_.directories_opened;
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd.get()));
    if (!dir) throw Error::io("read directory " + display(rel), errno);
    fd.release();  // now owned by `dir`
    std::vector<std::string> names;
    errno = 0;
    while (dirent* e = ::readdir(dir.get())) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
      errno = 0;
    }
    if (errno != 0) throw Error::io("read directory " + display(rel), errno);
    std::sort(names.begin(), names.end());
    return names;
  }

  void walk_dir(UniqueFd fd, const std::string& rel, const MatchInfo& info) {
    const int dirfd = ::dup(fd.get());
    if (dirfd < 0) throw Error::sys("dup", errno);
    UniqueFd dir_fd(dirfd);
    const size_t level = ancestors_.size();  // ancestors_[level - 1] is this directory
    for (const auto& name : read_names(std::move(fd), rel)) {
      visit(dir_fd.get(), name, rel.empty() ? name : rel + "/" + name, info);
      if (level > 0 && skipped_from_ < level) return;
    }
  }

  void visit(int dirfd, const std::string& name, const std::string& path, const MatchInfo& parent_info) {
    ContextEntry entry{path, {}};
    if (::fstatat(dirfd, name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return;  // gone since readdir
      throw Error::io("lstat " + display(path), errno);
    }
    const bool is_dir = S_ISDIR(entry.st.st_mode);
    MatchInfo info;
    const bool excluded = matcher_ && matcher_->matches_using_parent_results(path, parent_info, info);
    if (excluded && (!is_dir || can_skip_excluded_dir(path))) return;
    if (!excluded && yield(entry) == WalkAction::SkipDir) return;
    if (!is_dir) return;
    UniqueFd child(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child) {
      if (errno == ENOENT || errno == ENOTDIR) return;
      if (excluded && (errno == EACCES || errno == EPERM)) return;  // as fsutil
      throw Error::io("open directory " + display(path), errno);
    }
    ancestors_.push_back({std::move(entry), !excluded});
    walk_dir(std::move(child), path, info);
    ancestors_.pop_back();
    if (skipped_from_ >= ancestors_.size()) skipped_from_ = kNone;
  }

  // fsutil's shortcut: only when every exception is a plain path (after
  // dropping a trailing "/**" or "/*") can it tell that none lies below.
  bool can_skip_excluded_dir(const std::string& path) const {
    if (!only_prefix_exceptions_) return false;
    const std::string dir_slash = path + "/";
    for (const auto& p : exception_prefixes_) {
      if (p.compare(0, dir_slash.size(), dir_slash) == 0) return false;
    }
    return true;
  }

  // Excluded directories that were entered are yielded just before the
  // first thing inside them that is included.
  WalkAction yield(const ContextEntry& entry) {
    for (size_t i = 0; i < ancestors_.size(); ++i) {
      auto& a = ancestors_[i];
      if (a.yielded) continue;
      a.yielded = true;
      ++stats_.entries_yielded;
      if (callback_(a.entry) == WalkAction::SkipDir) {
        skipped_from_ = i;  // leave that directory: nothing more inside it
        return WalkAction::SkipDir;
      }
    }
    ++stats_.entries_yielded;
    return callback_(entry);
  }

  std::string display(const std::string& rel) const { return rel.empty() ? root_ : root_ + "/" + rel; }

  std::string root_;
  const PatternMatcher* matcher_;
  const WalkCallback& callback_;
  std::vector<std::string> exception_prefixes_;
  bool only_prefix_exceptions_ = true;
  std::vector<Ancestor> ancestors_;
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t skipped_from_ = kNone;  // index of an ancestor being abandoned
  WalkStats stats_;
};

}  // namespace

WalkStats walk_context(const std::string& context_dir, const PatternMatcher* matcher,
                       const WalkCallback& callback) {
  return Walker(context_dir, matcher, callback).run();
}

}  // namespace ocbuild::frontend
