#include "snapshot/fs_entry.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/core/xattrs.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {
namespace {

int64_t ns(const struct statx_timestamp& t) { return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

}  // namespace

std::string join_path(const std::string& dir, const std::string& rel) {
  return rel.empty() ? dir : dir + "/" + rel;
}

void write_xattrs(const std::string& path, const Xattrs& xattrs) {
  for (const auto& [name, value] : xattrs)
    if (::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) != 0)
      throw Error::io("lsetxattr " + name + " on " + path, errno);
}

std::optional<FileState> read_state(const std::string& path) {
  struct statx st {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error::io("statx " + path, errno);
  }
  FileState s;
  s.mode = st.stx_mode, s.uid = st.stx_uid, s.gid = st.stx_gid;
  if (auto kept = read_kept_owner(path, s.uid, s.gid)) s.uid = kept->first, s.gid = kept->second, s.owner_kept = true;
  s.size = S_ISDIR(st.stx_mode) ? 0 : static_cast<int64_t>(st.stx_size);
  s.mtime_ns = ns(st.stx_mtime), s.ctime_ns = ns(st.stx_ctime);
  if (st.stx_mask & STATX_BTIME) s.btime_ns = ns(st.stx_btime);
  s.ino = st.stx_ino, s.nlink = st.stx_nlink, s.rdev = makedev(st.stx_rdev_major, st.stx_rdev_minor);
  if (S_ISLNK(st.stx_mode)) {
    std::string target(static_cast<size_t>(st.stx_size) + 1, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) throw Error::io("readlink " + path, errno);
    target.resize(static_cast<size_t>(n));
    s.link_target = target;
  }
  s.xattrs = read_image_xattrs(path);
  return s;
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == 0; }

bool is_opaque_dir(const std::string& path) {
  for (const char* name : {"user.overlay.opaque", "trusted.overlay.opaque"}) {
    char value[4] = {};
    ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
    if (n == 1 && value[0] == 'y') return true;
  }
  return false;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (!dir) throw Error::io("opendir " + path, errno);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  if (errno != 0) throw Error::io("readdir " + path, errno);
  std::sort(names.begin(), names.end());
  return names;
}

bool same_metadata(const FileState& a, const FileState& b) {
  return a.mode == b.mode && a.uid == b.uid && a.gid == b.gid && a.size == b.size &&
         a.mtime_ns == b.mtime_ns && a.rdev == b.rdev && a.link_target == b.link_target &&
         a.xattrs == b.xattrs;
}

void remove_empty_stub(const std::string& root, const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size()) return;
  std::string parent = slash == 0 ? "/" : path.substr(0, slash), name = path.substr(slash + 1);
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) throw Error::io("open " + root, errno);
  UniqueFd dir(sys::open_in_root(root_fd.get(), parent.c_str(), O_RDONLY | O_DIRECTORY));
  if (!dir) return;  // not in this tree (an overlay upper dir holds only what changed)
  struct stat st {}, pst {};
  if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && st.st_size == 0)) return;
  if (::fstat(dir.get(), &pst) != 0) throw Error::io("stat " + root + parent, errno);
  if (::unlinkat(dir.get(), name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST) return;  // the RUN put something in it
    throw Error::io("remove mount stub " + root + path, errno);
  }
  struct timespec times[2] = {pst.st_atim, pst.st_mtim};
  if (::futimens(dir.get(), times) != 0) throw Error::io("restore times of " + root + parent, errno);
}

}  // namespace ocbuild::snapshot
