#pragma once
// Extended attributes as image content: what the layer writer records and
// what the snapshot diff compares, read the same way in both places.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ocbuild {

using Xattrs = std::map<std::string, std::string>;

// An owner the snapshotter could not set (an id outside the user namespace's
// mapping, e.g. 65534 when only uid 0 is mapped) is kept in this xattr as
// "uid:gid" on the file, which it leaves owned by 0:0; the layer writer and
// the diffs use it as the file's owner. Never image content. Limits: a
// symlink takes no user xattr (its owner stays lost, with a warning), and a
// RUN's chown of such a file to 0:0 cannot be told from no chown.
inline constexpr const char* kKeptOwnerXattr = "user.ocbuild.owner";

// The kept owner of `path` whose owner on disk is uid:gid: only a file still
// owned by 0:0 has one (a later chown to a mapped id makes the xattr stale).
std::optional<std::pair<uint32_t, uint32_t>> read_kept_owner(const std::string& path, uint32_t uid, uint32_t gid);
// Keeps an owner on `path`; false where user xattrs cannot be set (a
// symlink, a file system without them). Other failures throw Error(Io).
bool write_kept_owner(const std::string& path, uint32_t uid, uint32_t gid);
// Drops a kept owner, if any (the file got an owner the mapping holds).
void clear_kept_owner(const std::string& path);

// overlayfs' own bookkeeping (trusted.overlay.*, user.overlay.*), host
// SELinux labels (security.selinux) and kept owners are never image content.
bool is_non_image_xattr(std::string_view name);

// The xattrs of `path` (not following a symlink) that are image content,
// sorted by name. A file system without xattr support gives none; any other
// failure throws Error(Io) naming the path.
Xattrs read_image_xattrs(const std::string& path);

}  // namespace ocbuild
