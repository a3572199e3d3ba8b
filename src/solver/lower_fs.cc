#include "solver/lower_fs.h"

#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <tuple>

#include "ocbuild/core/error.h"
#include "solver/context_paths.h"

namespace ocbuild::solver {
namespace {

bool is_whiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0;
}

bool is_opaque(const std::string& path) {
  for (const char* name : {"user.overlay.opaque", "trusted.overlay.opaque"}) {
    char v[4];
    ssize_t n = ::lgetxattr(path.c_str(), name, v, sizeof v);
    if (n == 1 && v[0] == 'y') return true;
  }
  return false;
}

std::string read_link(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0) throw Error::io("readlink " + path, errno);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

enum class Found { Yes, No, Hidden };

// Looks `parts` up in one layer: Yes (st filled), No (look lower) or Hidden
// (a whiteout, an opaque dir or a non-directory hides the lower layers).
Found lookup_in_layer(const std::string& dir, const std::vector<std::string>& parts, struct stat& st) {
  std::string cur = dir;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string next = cur + "/" + parts[i];
    if (::lstat(next.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) throw Error::io("lstat " + next, errno);
      return i > 0 && is_opaque(cur) ? Found::Hidden : Found::No;
    }
    if (is_whiteout(st)) return Found::Hidden;
    if (i + 1 < parts.size() && !S_ISDIR(st.st_mode)) return Found::Hidden;
    cur = next;
  }
  return Found::Yes;
}

}  // namespace

std::optional<LowerEntry> LowerFs::lookup(const std::string& path) const {
  auto parts = split_path(clean_path(path));
  for (const auto& dir : dirs_) {
    LowerEntry e;
    if (parts.empty()) {
      if (::lstat(dir.c_str(), &e.st) != 0) continue;
      std::tie(e.st.st_uid, e.st.st_gid) = owners_.owner(dir, e.st);
      return e;
    }
    Found f = lookup_in_layer(dir, parts, e.st);
    if (f == Found::Hidden) return std::nullopt;
    if (f == Found::No) continue;
    std::string full = dir + "/" + clean_path(path).substr(1);
    std::tie(e.st.st_uid, e.st.st_gid) = owners_.owner(full, e.st);
    e.xattrs = read_image_xattrs(full);
    if (S_ISLNK(e.st.st_mode)) e.link_target = read_link(full);
    return e;
  }
  return std::nullopt;
}

std::string LowerFs::resolve(const std::string& path, bool follow_last) const {
  std::vector<std::string> todo = split_path(clean_path(path));
  std::vector<std::string> done;
  int links = 0;
  size_t i = 0;
  while (i < todo.size()) {
    const std::string part = todo[i++];
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(part);
    if (i == todo.size() && !follow_last) break;
    std::string cur;
    for (const auto& d : done) cur += "/" + d;
    auto e = lookup(cur);
    if (!e || !S_ISLNK(e->st.st_mode)) continue;
    if (++links > 40) throw Error(ErrorCode::Invalid, "too many levels of symbolic links in " + path);
    done.pop_back();
    if (e->link_target.starts_with("/")) done.clear();
    std::vector<std::string> rest(todo.begin() + static_cast<long>(i), todo.end());
    todo = split_path(e->link_target);
    todo.insert(todo.end(), rest.begin(), rest.end());
    i = 0;
  }
  std::string out;
  for (const auto& d : done) out += "/" + d;
  return out.empty() ? "/" : out;
}

}  // namespace ocbuild::solver
