#pragma once
// File metadata as the snapshot diffs compare it, and small helpers on the
// overlay on-disk format (whiteouts, opaque dirs). Throws Error(Io) naming
// the path.
#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/xattrs.h"

namespace ocbuild::snapshot {

inline constexpr const char* kOpaqueXattr = "user.overlay.opaque";

using Xattrs = ocbuild::Xattrs;

struct FileState {
  uint32_t mode = 0;  // st_mode: type and permissions
  uint32_t uid = 0, gid = 0;  // the image's: a kept owner (core/xattrs.h) if any
  bool owner_kept = false;    // uid/gid come from the kept owner (on disk: 0:0)
  int64_t size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  uint64_t ino = 0, nlink = 0, rdev = 0;
  int64_t btime_ns = 0;  // birth time, 0 where the file system has none
  std::string link_target;
  Xattrs xattrs;  // image content only (core/xattrs.h)
};

// statx (no follow) + link target + xattrs; nullopt when the path does not exist.
std::optional<FileState> read_state(const std::string& path);

void write_xattrs(const std::string& path, const Xattrs& xattrs);

bool is_whiteout(const struct stat& st);
bool is_opaque_dir(const std::string& path);  // user. or trusted.overlay.opaque = y
// Entry names of a directory, sorted bytewise.
std::vector<std::string> list_dir(const std::string& path);
std::string join_path(const std::string& dir, const std::string& rel);

// The same image metadata (type, mode, owner, size, mtime, device, link
// target, xattrs): what BuildKit's overlay differ calls the same dirent.
bool same_metadata(const FileState& a, const FileState& b);

// Removes an empty stub (empty file or dir) at `path` (absolute in the
// container) under the tree `root`, keeping the parent's times as they were
// (BuildKit's mount stub cleaner). The parent is resolved inside `root`
// (openat2 RESOLVE_IN_ROOT), so a symlink in the image never leads out of
// it. Leaves anything else, and paths whose parent is not in this tree.
void remove_empty_stub(const std::string& root, const std::string& path);

}  // namespace ocbuild::snapshot
