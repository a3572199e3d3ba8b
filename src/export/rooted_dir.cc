#include "rooted_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "ocbuild/core/error.h"

namespace ocbuild::exporter {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

int openat2_in_root(int root, const std::string& rel, uint64_t flags) {
  open_how how{};
  how.flags = flags;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how);
    if (fd < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return static_cast<int>(fd);
  }
}

}  // namespace

std::vector<std::string> RootedDir::list(int dirfd, const std::string& what) {
  int fd = ::dup(dirfd);
  if (fd < 0) throw Error::io("dup " + what, errno);
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(fd));
  if (!d) {
    ::close(fd);
    throw Error::io("fdopendir " + what, errno);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d.get())) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  return names;
}

RootedDir::RootedDir(const std::string& root) : root_(root) {
  root_fd_.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd_) throw Error::io("open target directory " + root, errno);
}

UniqueFd RootedDir::resolve(const std::string& rel) const {
  return UniqueFd(openat2_in_root(root_fd_.get(), rel.empty() ? "." : rel, O_PATH | O_DIRECTORY | O_CLOEXEC));
}

UniqueFd RootedDir::open_dir(const std::string& rel, bool create) const {
  UniqueFd fd = resolve(rel);
  if (fd || errno != ENOENT || !create || rel.empty()) {
    if (!fd && errno != ENOENT) throw Error::io("open directory " + rel + " in " + root_, errno);
    return fd;
  }
  UniqueFd parent = open_dir(path_parent(rel), true);
  if (::mkdirat(parent.get(), path_base(rel).c_str(), 0755) != 0 && errno != EEXIST)
    throw Error::io("mkdir " + rel + " in " + root_, errno);
  fd = resolve(rel);
  if (!fd) throw Error::io("open directory " + rel + " in " + root_, errno);
  return fd;
}

void RootedDir::remove_at(int dirfd, const std::string& name, const std::string& what) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw Error::io("stat " + what, errno);
  }
  if (S_ISDIR(st.st_mode)) {
    UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) throw Error::io("open " + what, errno);
    ::fchmod(sub.get(), (st.st_mode & 07777) | 0700);  // so its entries can go
    for (const auto& child : list(sub.get(), what)) remove_at(sub.get(), child, what + "/" + child);
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0) throw Error::io("rmdir " + what, errno);
    return;
  }
  if (::unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) throw Error::io("unlink " + what, errno);
}

std::string clean_entry_path(const std::string& raw, const std::string& layer) {
  if (!raw.empty() && raw[0] == '/')
    throw Error(ErrorCode::Invalid, "layer " + layer + ": refusing entry \"" + raw + "\": absolute path");
  std::string out;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t slash = raw.find('/', pos);
    if (slash == std::string::npos) slash = raw.size();
    std::string comp = raw.substr(pos, slash - pos);
    pos = slash + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..")
      throw Error(ErrorCode::Invalid, "layer " + layer + ": refusing entry \"" + raw + "\": \"..\" in path");
    out += out.empty() ? comp : "/" + comp;
  }
  return out;
}

std::string path_parent(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string path_base(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace ocbuild::exporter
