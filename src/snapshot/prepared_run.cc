#include "snapshot/prepared_run.h"

#include <unistd.h>

#include <filesystem>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/snapshot/user_spec.h"
#include "snapshot/capabilities.h"
#include "snapshot/mount_plan.h"
#include "snapshot/seccomp_filter.h"

namespace ocbuild::snapshot {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string absolute(const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); }

void require_dir(const std::string& path, const char* what) {
  if (!std::filesystem::is_directory(path))
    throw Error(ErrorCode::NotFound, std::string(what) + " is not a directory: " + path);
}

// Short names for the layers ("l/0", "l/1", ... "l/u", "l/w"), so the
// option string stays short whatever the store paths are.
std::string link_layers(const OverlayRoot& o, const std::string& link_dir) {
  make_dirs(link_dir);
  auto add = [&](const std::string& name, const std::string& target, const char* what) {
    require_dir(target, what);
    std::filesystem::create_directory_symlink(absolute(target), link_dir + "/" + name);
  };
  std::string lower;
  for (size_t i = 0; i < o.lower_dirs.size(); ++i) {
    add(std::to_string(i), o.lower_dirs[i], "overlay lower dir");
    lower += (i ? ":" : "") + std::to_string(i);
  }
  add("u", o.upper_dir, "overlay upper dir");
  add("w", o.work_dir, "overlay work dir");
  bool userxattr = o.userxattr.value_or(true);
  return "lowerdir=" + lower + ",upperdir=u,workdir=w" + (userxattr ? ",userxattr" : "");
}

}  // namespace

PreparedRun::PreparedRun(const RunSpec& spec, const std::string& run_dir, const IdMapPlan& maps) {
  if (spec.argv.empty()) throw Error(ErrorCode::Invalid, "RUN has an empty command");
  plan_root(spec, run_dir);
  plan_user(spec, maps);
  write_etc_files(spec, run_dir);
  steps_ = plan_mounts(spec, run_dir, arena_);
  plan_.steps = steps_.data();
  plan_.step_count = steps_.size();
  plan_.hostname = arena_.keep(spec.hostname);
  plan_.loopback_up = spec.network == NetworkMode::None;
  plan_.caps = docker_default_caps();
  plan_.last_cap = last_cap();
  const auto& program = seccomp_program();
  plan_.seccomp.len = static_cast<unsigned short>(program.size());
  plan_.seccomp.filter = const_cast<sock_filter*>(program.data());
  plan_process(spec);
}

void PreparedRun::plan_root(const RunSpec& spec, const std::string& run_dir) {
  make_dirs(run_dir + "/root");
  plan_.root_mount = arena_.keep(run_dir + "/root");
  if (const auto* plain = std::get_if<PlainRoot>(&spec.root)) {
    require_dir(plain->dir, "root file system");
    plan_.plain_dir = arena_.keep(absolute(plain->dir));
    layers_ = {plain->dir};
    return;
  }
  const auto& o = std::get<OverlayRoot>(spec.root);
  if (o.lower_dirs.empty()) throw Error(ErrorCode::Invalid, "overlay root needs at least one lower dir");
  if (o.lower_dirs.size() > 500)
    throw Error(ErrorCode::Invalid, "overlay supports at most 500 lower dirs, got " +
                                        std::to_string(o.lower_dirs.size()));
  plan_.overlay_options = arena_.keep(link_layers(o, run_dir + "/l"));
  plan_.overlay_dir = arena_.keep(run_dir + "/l");
  layers_.push_back(o.upper_dir);
  layers_.insert(layers_.end(), o.lower_dirs.begin(), o.lower_dirs.end());
}

void PreparedRun::plan_user(const RunSpec& spec, const IdMapPlan& maps) {
  ResolvedUser user = resolve_user(spec.user.empty() ? "0" : spec.user, layers_);
  auto unmapped = [&](const char* kind, uint32_t id) {
    return Error(ErrorCode::Invalid,
                 std::string("USER ") + spec.user + ": " + kind + " " + std::to_string(id) +
                     " is not mapped in the user namespace" +
                     (maps.single ? " (" + maps.why_single + "; add a range to /etc/subuid and /etc/subgid)"
                                  : ""));
  };
  if (!id_mapped(maps.uids, user.uid)) throw unmapped("uid", user.uid);
  if (!id_mapped(maps.gids, user.gid)) throw unmapped("gid", user.gid);
  for (gid_t g : user.supplementary)
    if (id_mapped(maps.gids, g)) groups_.push_back(g);
  plan_.uid = user.uid;
  plan_.gid = user.gid;
  plan_.groups = groups_.data();
  plan_.group_count = groups_.size();
  plan_.set_groups = !maps.single;
  home_ = user.home;
}

void PreparedRun::plan_process(const RunSpec& spec) {
  std::string cwd = spec.cwd.empty() ? "/" : spec.cwd;
  if (cwd[0] != '/') cwd = "/" + cwd;
  plan_.cwd = arena_.keep(cwd);
  for (const auto& a : spec.argv) argv_.push_back(const_cast<char*>(arena_.keep(a)));
  argv_.push_back(nullptr);
  std::string path = kDefaultPath;
  bool has_path = false, has_home = false;
  for (const auto& e : spec.env) {
    if (e.rfind("PATH=", 0) == 0) has_path = true, path = e.substr(5);
    if (e.rfind("HOME=", 0) == 0) has_home = true;
    envp_.push_back(const_cast<char*>(arena_.keep(e)));
  }
  if (!has_path) envp_.push_back(const_cast<char*>(arena_.keep(std::string("PATH=") + kDefaultPath)));
  if (!has_home) envp_.push_back(const_cast<char*>(arena_.keep("HOME=" + home_)));
  envp_.push_back(nullptr);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    path_dirs_.push_back(arena_.keep(dir.empty() ? "." : dir));
    start = end + 1;
  }
  plan_.argv = argv_.data();
  plan_.envp = envp_.data();
  plan_.path_dirs = path_dirs_.data();
  plan_.path_dir_count = path_dirs_.size();
}

}  // namespace ocbuild::snapshot
