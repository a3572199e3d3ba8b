#include "ocbuild/export/layer_applier.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "ocbuild/core/error.h"
#include "ocbuild/core/xattrs.h"
#include "rooted_dir.h"
#include "tar_reader.h"

namespace ocbuild::exporter {
namespace {

constexpr const char* kWhiteoutPrefix = ".wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";

// Directory metadata waits until the end: creating children would bump the
// mtime, and a read-only mode would stop us creating them.
struct PendingDir {
  std::string path;
  mode_t mode;
  struct timespec mtime;
};

// overlayfs bookkeeping and kept owners are never taken from a layer.
bool overlay_xattr(const char* name) {
  std::string n = name;
  return n.rfind("trusted.overlay.", 0) == 0 || n.rfind("user.overlay.", 0) == 0 || n == kKeptOwnerXattr;
}

class Applier {
 public:
  Applier(const std::string& blob, const std::string& target, const ApplyOptions& options)
      : blob_(blob), root_(target), options_(options),
        layer_(options.layer_name.empty() ? blob : options.layer_name) {}

  ApplyResult run() {
    ArchiveReader a = open_layer_reader(blob_);
    while (archive_entry* e = next_layer_entry(a.get(), "layer " + layer_)) {
      result_.entries++;
      std::string path = clean_entry_path(archive_entry_pathname(e) ? archive_entry_pathname(e) : "", layer_);
      if (path.empty()) continue;  // the root itself: keep the target's
      try {
        apply(a.get(), e, path);
      } catch (Error& err) {
        err.add_context("layer " + layer_ + ", entry " + path);
        throw;
      }
    }
    finish_dirs();
    return std::move(result_);
  }

 private:
  [[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw Error(ErrorCode::Invalid, "layer " + layer_ + ": refusing entry \"" + path + "\": " + why);
  }

  void warn(const std::string& msg) { result_.warnings.push_back("layer " + layer_ + ": " + msg); }

  void apply(archive* a, archive_entry* e, const std::string& path) {
    std::string parent = path_parent(path), name = path_base(path);
    if (name == kOpaqueMarker) return make_opaque(parent);
    if (name.rfind(kWhiteoutPrefix, 0) == 0) return whiteout(parent, name.substr(4), path);
    UniqueFd dir = root_.open_dir(parent, true);
    unpacked_.insert(path);
    bool is_dir = archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e);
    clear_existing(dir.get(), name, is_dir, path);
    if (const char* link = archive_entry_hardlink(e)) return hard_link(dir.get(), name, link, path);
    UniqueFd file;  // open for regular files, so metadata goes through the fd
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR: make_dir(dir.get(), name, path); break;
      case AE_IFREG: file = write_file(a, e, dir.get(), name, path); break;
      case AE_IFLNK: make_symlink(dir.get(), name, e, path); break;
      case AE_IFIFO:
      case AE_IFCHR:
      case AE_IFBLK:
        if (!make_node(dir.get(), name, e, path)) return;
        break;
      default: refuse(path, "unsupported entry type");
    }
    set_metadata(dir.get(), name, file.get(), e, path);
  }

  void clear_existing(int dir, const std::string& name, bool new_is_dir, const std::string& path) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (new_is_dir && S_ISDIR(st.st_mode)) return;  // directories merge
    RootedDir::remove_at(dir, name, path);
  }

  void make_dir(int dir, const std::string& name, const std::string& path) {
    if (::mkdirat(dir, name.c_str(), 0700) != 0 && errno != EEXIST) throw Error::io("mkdir " + path, errno);
  }

  UniqueFd write_file(archive* a, archive_entry* e, int dir, const std::string& name, const std::string& path) {
    UniqueFd fd(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) throw Error::io("create " + path, errno);
    for_each_data_block(a, "layer " + layer_ + ", " + path, [&](const void* buf, size_t size, int64_t offset) {
      for (size_t done = 0; done < size;) {
        ssize_t n = ::pwrite(fd.get(), static_cast<const char*>(buf) + done, size - done, offset + done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error::io("write " + path, errno);
        done += static_cast<size_t>(n);
      }
    });
    // Sparse entries may end in a hole: the size comes from the header.
    if (::ftruncate(fd.get(), archive_entry_size(e)) != 0) throw Error::io("truncate " + path, errno);
    return fd;
  }

  void make_symlink(int dir, const std::string& name, archive_entry* e, const std::string& path) {
    const char* target = archive_entry_symlink(e);
    if (!target) refuse(path, "symlink without a target");
    if (::symlinkat(target, dir, name.c_str()) != 0) throw Error::io("symlink " + path, errno);
  }

  bool make_node(int dir, const std::string& name, archive_entry* e, const std::string& path) {
    mode_t type = archive_entry_filetype(e);
    if (type != AE_IFIFO && !options_.create_devices) {
      warn("skipped device node " + path + " (cannot create devices here)");
      return false;
    }
    if (::mknodat(dir, name.c_str(), type | 0600, archive_entry_rdev(e)) != 0) {
      if (type != AE_IFIFO && (errno == EPERM || errno == EACCES)) {
        warn("skipped device node " + path + " (not permitted)");
        return false;
      }
      throw Error::io("mknod " + path, errno);
    }
    return true;
  }

  void hard_link(int dir, const std::string& name, const char* raw_target, const std::string& path) {
    std::string target = clean_entry_path(raw_target, layer_);
    if (target.empty()) refuse(path, "hard link to the root");
    UniqueFd tdir = root_.open_dir(path_parent(target), false);
    if (!tdir) refuse(path, "hard link target " + target + " does not exist");
    // No AT_SYMLINK_FOLLOW: a symlink target is linked itself, never followed.
    if (::linkat(tdir.get(), path_base(target).c_str(), dir, name.c_str(), 0) != 0) {
      if (errno == ENOENT || errno == EPERM) refuse(path, "hard link target " + target + " is missing or a directory");
      throw Error::io("link " + path + " to " + target, errno);
    }
  }

  void set_owner(int dir, const std::string& name, archive_entry* e, const std::string& path) {
    if (!options_.preserve_owners) return;
    uid_t uid = static_cast<uid_t>(archive_entry_uid(e));
    gid_t gid = static_cast<gid_t>(archive_entry_gid(e));
    if (::fchownat(dir, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) == 0) return;
    if (::geteuid() == 0 && errno != EINVAL) throw Error::io("chown " + path, errno);
    // EINVAL: an id the namespace does not map; the file stays 0:0.
    std::string proc = "/proc/self/fd/" + std::to_string(dir) + "/" + name;
    if (errno == EINVAL && options_.keep_unmapped_owners && write_kept_owner(proc, uid, gid)) return;
    if (!owner_warned_) warn("cannot set owners (first: " + path + "), files keep the caller's");
    owner_warned_ = true;
  }

  void set_xattrs(int dir, const std::string& name, int fd, archive_entry* e, const std::string& path) {
    const char* key = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    std::string proc = "/proc/self/fd/" + std::to_string(dir) + "/" + name;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
      if (overlay_xattr(key)) continue;
      int rc = fd >= 0 ? ::fsetxattr(fd, key, value, size, 0) : ::lsetxattr(proc.c_str(), key, value, size, 0);
      if (rc == 0) continue;
      if (errno == ENOTSUP || errno == EPERM) {
        warn("cannot set xattr " + std::string(key) + " on " + path);
        continue;
      }
      throw Error::io("setxattr " + std::string(key) + " on " + path, errno);
    }
  }

  void set_metadata(int dir, const std::string& name, int fd, archive_entry* e, const std::string& path) {
    set_owner(dir, name, e, path);  // before chmod: chown clears setuid bits
    mode_t type = archive_entry_filetype(e);
    mode_t mode = archive_entry_perm(e) & 07777;
    struct timespec mtime = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    if (type == AE_IFDIR) {
      pending_.push_back({path, mode, mtime});
      set_xattrs(dir, name, -1, e, path);
      return;
    }
    if (type != AE_IFLNK) {
      int rc = fd >= 0 ? ::fchmod(fd, mode) : ::fchmodat(dir, name.c_str(), mode, AT_SYMLINK_NOFOLLOW);
      if (rc != 0) throw Error::io("chmod " + path, errno);
    }
    set_xattrs(dir, name, fd, e, path);
    struct timespec times[2] = {mtime, mtime};
    if (::utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) throw Error::io("set mtime of " + path, errno);
  }

  void finish_dirs() {
    // Deepest first, so setting a child's times never touches a done parent.
    std::sort(pending_.begin(), pending_.end(),
              [](const PendingDir& a, const PendingDir& b) { return a.path > b.path; });
    for (const auto& d : pending_) {
      UniqueFd parent = root_.open_dir(path_parent(d.path), false);
      if (!parent) continue;  // removed by a later whiteout
      // O_NOFOLLOW: a later entry may have replaced the directory by a
      // symlink, which must never be followed out of the root.
      UniqueFd fd(::openat(parent.get(), path_base(d.path).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd) continue;
      if (::fchmod(fd.get(), d.mode) != 0) throw Error::io("chmod " + d.path, errno);
      struct timespec times[2] = {d.mtime, d.mtime};
      if (::futimens(fd.get(), times) != 0) throw Error::io("set mtime of " + d.path, errno);
    }
  }

  void whiteout(const std::string& parent, const std::string& name, const std::string& path) {
    result_.whiteouts++;
    if (name.empty() || name == "." || name == "..") refuse(path, "bad whiteout name");
    UniqueFd dir = root_.open_dir(parent, false);
    if (dir) RootedDir::remove_at(dir.get(), name, parent.empty() ? name : parent + "/" + name);
  }

  void make_opaque(const std::string& dir_path) {
    result_.whiteouts++;
    UniqueFd dir = root_.open_dir(dir_path, true);
    clear_lower(dir.get(), dir_path);
  }

  // Removes what lower layers put in dir: everything this layer did not unpack.
  void clear_lower(int dir, const std::string& dir_path) {
    UniqueFd readable(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!readable) throw Error::io("open " + dir_path, errno);
    for (const auto& child : RootedDir::list(readable.get(), dir_path)) {
      std::string child_path = dir_path.empty() ? child : dir_path + "/" + child;
      if (!unpacked_.count(child_path)) {
        RootedDir::remove_at(dir, child, child_path);
        continue;
      }
      struct stat st {};
      if (::fstatat(dir, child.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        UniqueFd sub(::openat(dir, child.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub) clear_lower(sub.get(), child_path);
      }
    }
  }

  std::string blob_;
  RootedDir root_;
  ApplyOptions options_;
  std::string layer_;
  ApplyResult result_;
  std::set<std::string> unpacked_;
  std::vector<PendingDir> pending_;
  bool owner_warned_ = false;
};

}  // namespace

ApplyOptions::ApplyOptions() : create_devices(::geteuid() == 0) {}

ApplyResult apply_layer(const std::string& blob_path, const std::string& target, const ApplyOptions& options) {
  return Applier(blob_path, target, options).run();
}

}  // namespace ocbuild::exporter
