#pragma once
// Everything the RUN child needs, computed by the parent before clone() so the
// child neither allocates nor throws: C strings and arrays owned by
// PreparedRun (prepared_run.h), read-only in the child except MountStep::fd.
#include <linux/filter.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace ocbuild::snapshot {

enum class StepKind : uint8_t {
  NewFs,    // fsopen(fstype) + fsconfig(keys/values) + fsmount
  Bind,     // open_tree(source) from the host, before pivot_root
  Symlink,  // symlink(source, target)
};

// One mount of the container's file system view. The detached mount is made
// before pivot_root (while the host mounts are visible), attached after it so
// the target is resolved inside the new root.
struct MountStep {
  static constexpr int kMaxOptions = 4;
  StepKind kind = StepKind::NewFs;
  const char* fstype = nullptr;
  const char* keys[kMaxOptions] = {};
  const char* values[kMaxOptions] = {};  // nullptr: a flag option
  unsigned attr = 0;                     // MOUNT_ATTR_* (read-only, nosuid...)
  const char* source = nullptr;
  const char* target = nullptr;
  bool target_is_file = false;
  bool record_created = false;  // report the stub if it had to be created
  bool optional = false;        // failure: a warning and the step is skipped
  const char* skip_reason = nullptr;  // the warning's "how" when skipped
  int fd = -1;                        // the detached mount (child only)
};

struct ChildPlan {
  // Root file system: either an overlay mounted from overlay_dir (short
  // symlinked names in overlay_options) or a bind of plain_dir.
  const char* root_mount = nullptr;  // empty host dir the root is mounted on
  const char* plain_dir = nullptr;
  const char* overlay_dir = nullptr;
  const char* overlay_options = nullptr;

  MountStep* steps = nullptr;
  size_t step_count = 0;

  const char* hostname = nullptr;
  bool loopback_up = false;  // a new net namespace: bring lo up

  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  size_t group_count = 0;
  bool set_groups = true;  // false when setgroups is denied (single mapping)
  uint64_t caps = 0;       // the container's capability set (for uid 0)
  int last_cap = 40;

  const char* cwd = "/";
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* const* path_dirs = nullptr;  // PATH split, for argv[0] lookup
  size_t path_dir_count = 0;

  sock_fprog seccomp{};

  int sync_fd = -1;    // read: one byte once the id maps are written
  int report_fd = -1;  // write: ChildReport messages; closes at execve
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// The child's whole life: set up, then execve. Returns only on failure (after
// reporting it); the caller _exit()s.
void child_main(ChildPlan& plan) noexcept;

}  // namespace ocbuild::snapshot
