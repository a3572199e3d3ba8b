#include "ocbuild/snapshot/user_spec.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <charconv>
#include <optional>
#include <sstream>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {
namespace {

std::optional<uint32_t> parse_id(const std::string& s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The file's text from the topmost layer that has it; nullopt when none has
// it or a whiteout hides it.
std::optional<std::string> read_layered(const std::vector<std::string>& layers, const char* path) {
  for (const auto& layer : layers) {
    UniqueFd dir(::open(layer.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw Error::io("open layer " + layer, errno);
    struct stat st {};
    if (::fstatat(dir.get(), path + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode) &&
        st.st_rdev == makedev(0, 0))
      return std::nullopt;
    UniqueFd fd(sys::open_in_root(dir.get(), path, O_RDONLY));
    if (!fd) {
      if (errno == ENOENT) continue;
      throw Error::io(std::string("open ") + path + " in " + layer, errno);
    }
    std::string text;
    char buf[8192];
    ssize_t n;
    while ((n = read_retry(fd.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    if (n < 0) throw Error::io(std::string("read ") + path + " in " + layer, errno);
    return text;
  }
  return std::nullopt;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// Rows of a colon-separated database (passwd, group), comments skipped.
std::vector<std::vector<std::string>> rows(const std::optional<std::string>& text) {
  std::vector<std::vector<std::string>> out;
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(split(line, ':'));
  }
  return out;
}

struct Group {
  gid_t gid;
  std::string name;
  std::vector<std::string> members;
};

std::vector<Group> groups_of(const std::optional<std::string>& text) {
  std::vector<Group> out;
  for (auto& r : rows(text)) {
    if (r.size() < 3) continue;
    auto gid = parse_id(r[2]);
    if (!gid) continue;
    out.push_back({*gid, r[0], r.size() > 3 ? split(r[3], ',') : std::vector<std::string>{}});
  }
  return out;
}

// Fills uid, gid and home from /etc/passwd; returns the matched name, or
// nullopt for a numeric uid that has no entry (gid 0, home /).
std::optional<std::string> find_passwd_entry(const std::string& user, const std::vector<std::string>& layers,
                                             ResolvedUser& u) {
  auto uid_num = parse_id(user);
  for (auto& r : rows(read_layered(layers, "/etc/passwd"))) {
    if (r.size() < 4) continue;
    auto uid = parse_id(r[2]);
    auto gid = parse_id(r[3]);
    if (!uid || !gid || (r[0] != user && (!uid_num || *uid != *uid_num))) continue;
    u.uid = *uid;
    u.gid = *gid;
    if (r.size() > 5 && !r[5].empty()) u.home = r[5];
    return r[0];
  }
  if (!uid_num)
    throw Error(ErrorCode::NotFound, "unable to find user " + user + ": no matching entries in passwd file");
  u.uid = *uid_num;
  u.gid = 0;
  return std::nullopt;
}

gid_t find_group(const std::string& group, const std::vector<Group>& groups) {
  auto gid_num = parse_id(group);
  for (auto& g : groups)
    if (g.name == group || (gid_num && g.gid == *gid_num)) return g.gid;
  if (!gid_num)
    throw Error(ErrorCode::NotFound, "unable to find group " + group + ": no matching entries in group file");
  return *gid_num;
}

}  // namespace

ResolvedUser resolve_user(const std::string& spec, const std::vector<std::string>& layers) {
  auto colon = spec.find(':');
  std::string user_part = spec.substr(0, colon);
  std::string group_part = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
  if (colon != std::string::npos && group_part.empty())
    throw Error(ErrorCode::Invalid, "invalid USER \"" + spec + "\": empty group");
  if (user_part.empty()) user_part.push_back('0');
  ResolvedUser u;
  std::optional<std::string> name = find_passwd_entry(user_part, layers, u);
  auto groups = groups_of(read_layered(layers, "/etc/group"));
  if (!group_part.empty()) {
    u.gid = find_group(group_part, groups);
    return u;
  }
  // Supplementary groups only in the implicit form, as runc does.
  if (name)
    for (auto& g : groups)
      for (auto& m : g.members)
        if (m == *name) u.supplementary.push_back(g.gid);
  return u;
}

}  // namespace ocbuild::snapshot
