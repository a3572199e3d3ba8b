// Probes for what RUN needs from the kernel, each in a throwaway child.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/executor.h"
#include "snapshot/child_process.h"
#include "snapshot/id_map.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {
namespace {

constexpr unsigned long kFlags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;

}  // namespace

std::optional<std::string> probe_userns() {
  pid_t pid = sys::clone_fork(kFlags);
  if (pid < 0)
    return std::string("cannot create user, mount and pid namespaces: ") + std::strerror(errno) +
           " (enable kernel.unprivileged_userns_clone or user.max_user_namespaces)";
  if (pid == 0) {
    // Some hosts (AppArmor's restrict_unprivileged_userns) allow the
    // namespace but not the capabilities in it.
    ::_exit(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 ? 0 : errno);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  if (code != 0)
    return std::string("a user namespace was created but mounts are not permitted in it: ") +
           std::strerror(code) + " (is kernel.apparmor_restrict_unprivileged_userns set?)";
  return std::nullopt;
}

std::optional<std::string> probe_overlay() {
  if (auto why = probe_userns()) return why;
  TempDir dir("ocbuild-probe-");
  for (const char* d : {"/l", "/u", "/w", "/m"}) make_dirs(dir.path() + d);
  std::string opts = "lowerdir=" + dir.path() + "/l,upperdir=" + dir.path() + "/u,workdir=" + dir.path() +
                     "/w,userxattr";
  std::string target = dir.path() + "/m";
  IdMapPlan maps = plan_id_maps();
  int sync[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  pid_t pid = sys::clone_fork(CLONE_NEWUSER | CLONE_NEWNS);
  if (pid == 0) {
    char byte;
    ::close(sync[1]);
    if (::read(sync[0], &byte, 1) != 1) ::_exit(255);
    if (::mount("overlay", target.c_str(), "overlay", 0, opts.c_str()) != 0) ::_exit(errno);
    ::_exit(0);
  }
  ::close(sync[0]);
  UniqueFd writer(sync[1]);
  if (pid < 0) return std::string("clone: ") + std::strerror(errno);
  ChildProcess child(pid);
  apply_id_maps(pid, maps);
  write_all(writer.get(), "1", 1, "probe sync pipe");
  int status = child.wait();
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  if (code == 0) return std::nullopt;
  return std::string("overlayfs cannot be mounted in a user namespace: ") + std::strerror(code) +
         " (needs Linux 5.11+; use a plain directory root instead)";
}

}  // namespace ocbuild::snapshot
