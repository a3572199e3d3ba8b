#include "ocbuild/core/xattrs.h"

#include <sys/xattr.h>

#include <cerrno>

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
         name == "security.selinux";
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
