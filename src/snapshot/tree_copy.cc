#include "snapshot/tree_copy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>
#include <utility>

#include "ocbuild/core/error.h"
#include "ocbuild/core/xattrs.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "snapshot/fs_entry.h"

namespace ocbuild::snapshot {
namespace {

void copy_data(int in, int out, int64_t size, const std::string& what) {
  if (size == 0 || ::ioctl(out, FICLONE, in) == 0) return;
  int64_t left = size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
    if (n > 0) {
      left -= n;
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL)
      throw Error::io("copy " + what, errno);
    copy_all(in, out, what, what);  // fallback: plain read/write from where we are
    return;
  }
}

void set_owner_mode_times(const std::string& path, const FileState& s) {
  if (s.owner_kept) {
    if (::lchown(path.c_str(), 0, 0) != 0) throw Error::io("chown " + path, errno);
    write_kept_owner(path, s.uid, s.gid);
  } else {
    if (::lchown(path.c_str(), s.uid, s.gid) != 0) throw Error::io("chown " + path, errno);
    if (S_ISDIR(s.mode)) clear_kept_owner(path);  // a lower layer's dir may have one
  }
  if (!S_ISLNK(s.mode) && ::chmod(path.c_str(), s.mode & 07777) != 0) throw Error::io("chmod " + path, errno);
  write_xattrs(path, s.xattrs);
  struct timespec t {s.mtime_ns / 1000000000, s.mtime_ns % 1000000000};
  struct timespec times[2] = {t, t};
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error::io("set times of " + path, errno);
}

class Merger {
 public:
  void layer(const std::string& src, const std::string& dst) { merge_dir(src, dst); }

  // One path of one layer: the directories on the way (a whiteout, a
  // non-directory or an opaque dir hides what lower layers put there),
  // then the entry itself, merged whole.
  void layer_path(const std::string& src_root, const std::string& dst_root, const std::vector<std::string>& parts) {
    std::string src = src_root, dst = dst_root;
    for (size_t i = 0; i < parts.size(); ++i) {
      src += "/" + parts[i];
      dst += "/" + parts[i];
      auto s = read_state(src);
      if (!s) return;  // this layer has nothing there
      if (i + 1 == parts.size() || !S_ISDIR(s->mode)) {
        forget(dst);
        merge_entry(src, dst);
        return;
      }
      struct stat st {};
      bool exists = ::lstat(dst.c_str(), &st) == 0;
      if (exists && !S_ISDIR(st.st_mode)) remove_tree_or_throw(dst), exists = false;
      if (exists && is_opaque_dir(src) && cleared_.insert(dst).second)
        for (const auto& name : list_dir(dst)) remove_tree_or_throw(dst + "/" + name);
      if (!exists && ::mkdir(dst.c_str(), 0700) != 0) throw Error::io("mkdir " + dst, errno);
      way_[dst] = *s;  // the topmost layer's metadata wins
    }
  }
  void next_layer() { cleared_.clear(); }
  void forget(const std::string& dir) {
    std::erase_if(way_, [&](const auto& kv) { return kv.first == dir || kv.first.starts_with(dir + "/"); });
  }
  // The directories on the way, deepest first, once all their children exist.
  void finish() {
    for (auto it = way_.rbegin(); it != way_.rend(); ++it) set_owner_mode_times(it->first, it->second);
  }

 private:
  std::set<std::string> cleared_;            // opaque dirs emptied for this layer already
  std::map<std::string, FileState> way_;     // directories on the way to the paths
  void merge_dir(const std::string& src, const std::string& dst) {
    for (const auto& name : list_dir(src)) merge_entry(src + "/" + name, dst + "/" + name);
  }

  void merge_entry(const std::string& src, const std::string& dst) {
    auto s = read_state(src);
    if (!s) throw Error::io("lstat " + src, ENOENT);
    struct stat st {};
    bool exists = ::lstat(dst.c_str(), &st) == 0;
    struct stat sst {};
    sst.st_mode = s->mode, sst.st_rdev = s->rdev;
    if (is_whiteout(sst)) {
      if (exists) remove_tree_or_throw(dst);
      return;
    }
    if (S_ISDIR(s->mode)) {
      if (exists && S_ISDIR(st.st_mode) && is_opaque_dir(src)) {
        for (const auto& name : list_dir(dst)) remove_tree_or_throw(dst + "/" + name);
      } else if (exists && !S_ISDIR(st.st_mode)) {
        remove_tree_or_throw(dst);
        exists = false;
      }
      if (!exists && ::mkdir(dst.c_str(), 0700) != 0) throw Error::io("mkdir " + dst, errno);
      merge_dir(src, dst);
      set_owner_mode_times(dst, *s);
      return;
    }
    if (exists) remove_tree_or_throw(dst);
    copy_non_dir(src, dst, *s);
  }

  void copy_non_dir(const std::string& src, const std::string& dst, const FileState& s) {
    if (S_ISREG(s.mode)) {
      UniqueFd in(::open(src.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!in) throw Error::io("open " + src, errno);
      UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!out) throw Error::io("create " + dst, errno);
      copy_data(in.get(), out.get(), s.size, dst);
    } else if (S_ISLNK(s.mode)) {
      if (::symlink(s.link_target.c_str(), dst.c_str()) != 0) throw Error::io("symlink " + dst, errno);
    } else if (S_ISCHR(s.mode) || S_ISBLK(s.mode) || S_ISFIFO(s.mode)) {
      if (::mknod(dst.c_str(), (s.mode & S_IFMT) | 0600, s.rdev) != 0) throw Error::io("mknod " + dst, errno);
    } else {
      return;  // sockets are not image content
    }
    set_owner_mode_times(dst, s);
  }

  static void remove_tree_or_throw(const std::string& path) {
    remove_tree_noexcept(path);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) throw Error::io("remove " + path, EACCES);
  }
};

}  // namespace

void merge_layers(const std::vector<std::string>& layers_bottom_first, const std::string& dst) {
  for (const auto& layer : layers_bottom_first) {
    Merger merger;
    merger.layer(layer, dst);
  }
}

void merge_layer_paths(const std::vector<std::string>& layers_bottom_first, const std::vector<std::string>& paths,
                       const std::string& dst) {
  Merger merger;
  for (const auto& layer : layers_bottom_first) {
    merger.next_layer();  // layer by layer, so an upper opaque dir or whiteout hides only lower layers
    for (const auto& path : paths) {
      std::vector<std::string> parts;
      for (size_t start = 0; start < path.size();) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) parts.push_back(path.substr(start, end - start));
        start = end + 1;
      }
      if (parts.empty()) merger.layer(layer, dst);  // "/": everything
      else merger.layer_path(layer, dst, parts);
    }
  }
  merger.finish();
}

}  // namespace ocbuild::snapshot
