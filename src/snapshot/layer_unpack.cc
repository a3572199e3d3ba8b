#include "snapshot/layer_unpack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>

#include "ocbuild/core/error.h"
#include "ocbuild/export/layer_applier.h"
#include "ocbuild/export/layer_reader.h"
#include "snapshot/fs_entry.h"

namespace ocbuild::snapshot {
namespace {

// The parent of a whiteout must be a real directory inside `dir`: a symlink
// on the way would point the mknod outside.
std::string checked_parent(const std::string& dir, const std::string& rel, const std::string& layer) {
  std::string path = dir;
  size_t start = 0;
  for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', start)) {
    path += "/" + rel.substr(start, slash - start);
    start = slash + 1;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw Error(ErrorCode::Invalid, "layer " + layer + ": whiteout \"" + rel + "\" is not under a directory");
  }
  return path;
}

}  // namespace

void unpack_layer(const std::string& blob_path, const std::string& layer_name, const std::string& dir,
                  bool create_devices) {
  exporter::ApplyOptions options;
  options.layer_name = layer_name;
  options.create_devices = create_devices;
  options.keep_unmapped_owners = true;
  auto applied = exporter::apply_layer(blob_path, dir, options);
  if (applied.whiteouts == 0) return;
  for (const auto& entry : exporter::read_layer_entries(blob_path)) {
    if (!entry.whiteout) continue;
    std::string parent = checked_parent(dir, entry.path, layer_name);
    struct stat before {};
    if (::lstat(parent.c_str(), &before) != 0) throw Error::io("lstat " + parent, errno);
    std::string base = entry.path.substr(entry.path.rfind('/') == std::string::npos ? 0 : entry.path.rfind('/') + 1);
    if (base == ".wh..wh..opq") {
      if (::lsetxattr(parent.c_str(), kOpaqueXattr, "y", 1, 0) != 0)
        throw Error::io("mark " + parent + " opaque", errno);
    } else {
      std::string target = parent + "/" + base.substr(4);
      if (::mknod(target.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0 && errno != EEXIST)
        throw Error::io("layer " + layer_name + ": whiteout " + target, errno);
    }
    // The layer's own mtime for the dir, not the time of the mknod.
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    if (::utimensat(AT_FDCWD, parent.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error::io("set times of " + parent, errno);
  }
}

}  // namespace ocbuild::snapshot
