#pragma once
// Extended attributes as image content: what the layer writer records and
// what the snapshot diff compares, read the same way in both places.
#include <map>
#include <string>
#include <string_view>

namespace ocbuild {

using Xattrs = std::map<std::string, std::string>;

// overlayfs' own bookkeeping (trusted.overlay.*, user.overlay.*) and host
// SELinux labels (security.selinux) are never image content.
bool is_non_image_xattr(std::string_view name);

// The xattrs of `path` (not following a symlink) that are image content,
// sorted by name. A file system without xattr support gives none; any other
// failure throws Error(Io) naming the path.
Xattrs read_image_xattrs(const std::string& path);

}  // namespace ocbuild
