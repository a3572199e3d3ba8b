#include "ocbuild/core/xattrs.h"

#include <sys/xattr.h>

#include <cerrno>
#include <charconv>

#include "ocbuild/core/error.h"

namespace ocbuild {
namespace {

std::string get_xattr(const std::string& path, const std::string& name) {
  ssize_t len = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
  if (len < 0) throw Error::io("lgetxattr " + name + " of " + path, errno);
  std::string value(static_cast<size_t>(len), '\0');
  len = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
  if (len < 0) throw Error::io("lgetxattr " + name + " of " + path, errno);
  value.resize(static_cast<size_t>(len));
  return value;
}

}  // namespace

bool is_non_image_xattr(std::string_view name) {
  return name.rfind("trusted.overlay.", 0) == 0 || name.rfind("user.overlay.", 0) == 0 ||
         name == "security.selinux" || name == kKeptOwnerXattr;
}

std::optional<std::pair<uint32_t, uint32_t>> read_kept_owner(const std::string& path, uint32_t uid, uint32_t gid) {
  if (uid != 0 || gid != 0) return std::nullopt;
  char value[64];
  ssize_t len = ::lgetxattr(path.c_str(), kKeptOwnerXattr, value, sizeof value);
  if (len < 0) {
    if (errno == ENODATA || errno == ENOTSUP || errno == EOPNOTSUPP || errno == ERANGE) return std::nullopt;
    throw Error::io(std::string("lgetxattr ") + kKeptOwnerXattr + " of " + path, errno);
  }
  const char* end = value + len;
  uint32_t u = 0, g = 0;
  auto r = std::from_chars(value, end, u);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return std::nullopt;
  auto r2 = std::from_chars(r.ptr + 1, end, g);
  if (r2.ec != std::errc() || r2.ptr != end) return std::nullopt;
  return std::make_pair(u, g);
}

bool write_kept_owner(const std::string& path, uint32_t uid, uint32_t gid) {
  std::string value = std::to_string(uid) + ":" + std::to_string(gid);
  if (::lsetxattr(path.c_str(), kKeptOwnerXattr, value.data(), value.size(), 0) == 0) return true;
  if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP) return false;
  throw Error::io(std::string("lsetxattr ") + kKeptOwnerXattr + " on " + path, errno);
}

void clear_kept_owner(const std::string& path) {
  if (::lremovexattr(path.c_str(), kKeptOwnerXattr) == 0) return;
  if (errno == ENODATA || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EPERM) return;
  throw Error::io(std::string("lremovexattr ") + kKeptOwnerXattr + " of " + path, errno);
}

Xattrs read_image_xattrs(const std::string& path) {
  Xattrs out;
  ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
  if (len < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP)) return out;
  if (len < 0) throw Error::io("llistxattr " + path, errno);
  std::string names(static_cast<size_t>(len), '\0');
  len = ::llistxattr(path.c_str(), names.data(), names.size());
  if (len < 0) throw Error::io("llistxattr " + path, errno);
  names.resize(static_cast<size_t>(len));
  for (size_t pos = 0; pos < names.size();) {
    std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    if (!name.empty() && !is_non_image_xattr(name)) out[name] = get_xattr(path, name);
  }
  return out;
}

}  // namespace ocbuild
