#include "snapshot/id_map.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <optional>

#include "ocbuild/core/digest.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

extern char** environ;

namespace ocbuild::snapshot {
namespace {

constexpr uint32_t kRootRange = 65536;

std::optional<IdRange> subordinate_range(const std::string& path, const std::string& name, uint32_t id) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(':');
    auto b = line.find(':', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string owner = line.substr(0, a);
    if (owner != name && owner != std::to_string(id)) continue;
    uint32_t start = 0, count = 0;
    auto s = line.substr(a + 1, b - a - 1), c = line.substr(b + 1);
    if (std::from_chars(s.data(), s.data() + s.size(), start).ec != std::errc() ||
        std::from_chars(c.data(), c.data() + c.size(), count).ec != std::errc() || count == 0)
      continue;
    return IdRange{1, start, count};
  }
  return std::nullopt;
}

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

void write_proc(pid_t pid, const char* file, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) throw Error::sys("RUN setup: open " + path, errno);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw Error::sys("RUN setup: write " + path + " (\"" + text + "\")", errno);
}

std::string map_text(const std::vector<IdRange>& ranges) {
  std::string text;
  for (auto& r : ranges)
    text += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " + std::to_string(r.count) + "\n";
  return text;
}

void run_helper(const char* helper, pid_t pid, const std::vector<IdRange>& ranges) {
  std::vector<std::string> args{helper, std::to_string(pid)};
  for (auto& r : ranges)
    for (uint32_t v : {r.inside, r.outside, r.count}) args.push_back(std::to_string(v));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  int rc = ::posix_spawn(&child, helper, nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw Error::sys(std::string("RUN setup: spawn ") + helper, rc);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string cmd;
    for (auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
    throw Error(ErrorCode::Sys, "RUN setup: " + cmd + " failed (status " + std::to_string(status) +
                                    "); check /etc/subuid and /etc/subgid");
  }
}

}  // namespace

IdMapPlan plan_id_maps(const std::string& subuid_path, const std::string& subgid_path) {
  IdMapPlan plan;
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (uid == 0) {
    plan.uids = {{0, 0, kRootRange}};
    plan.gids = {{0, 0, kRootRange}};
    return plan;
  }
  plan.uids = {{0, uid, 1}};
  plan.gids = {{0, gid, 1}};
  const passwd* pw = ::getpwuid(uid);
  std::string name = pw ? pw->pw_name : std::to_string(uid);
  auto sub_u = subordinate_range(subuid_path, name, uid);
  auto sub_g = subordinate_range(subgid_path, name, uid);
  bool helpers = executable("/usr/bin/newuidmap") && executable("/usr/bin/newgidmap");
  if (sub_u && sub_g && helpers) {
    plan.uids.push_back(*sub_u);
    plan.gids.push_back(*sub_g);
    plan.use_helpers = true;
    return plan;
  }
  plan.single = true;
  plan.why_single = !helpers ? "newuidmap/newgidmap (package uidmap) are not installed"
                             : "user " + name + " has no range in " + (sub_u ? subgid_path : subuid_path);
  return plan;
}

void apply_id_maps(pid_t pid, const IdMapPlan& plan) {
  if (plan.use_helpers) {
    run_helper("/usr/bin/newuidmap", pid, plan.uids);
    run_helper("/usr/bin/newgidmap", pid, plan.gids);
    return;
  }
  write_proc(pid, "uid_map", map_text(plan.uids));
  if (plan.single) write_proc(pid, "setgroups", "deny");
  write_proc(pid, "gid_map", map_text(plan.gids));
}

bool id_mapped(const std::vector<IdRange>& ranges, uint32_t id) {
  for (auto& r : ranges)
    if (id >= r.inside && id - r.inside < r.count) return true;
  return false;
}

std::string id_map_tag(const IdMapPlan& plan) {
  if (plan.uids.size() == 1 && plan.gids.size() == 1 && plan.uids[0].inside == 0 && plan.uids[0].outside == 0 &&
      plan.uids[0].count == kRootRange && plan.gids[0].inside == 0 && plan.gids[0].outside == 0 &&
      plan.gids[0].count == kRootRange)
    return "";
  Hasher h;
  h.field("ocbuild-idmap-v1", "");
  h.field("uid_map", map_text(plan.uids));
  h.field("gid_map", map_text(plan.gids));
  return "-m" + h.finish().hex().substr(0, 12);
}

}  // namespace ocbuild::snapshot
