#include "snapshot/mount_steps.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "snapshot/child_plan.h"
#include "snapshot/child_report.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {
namespace {

// Creates buf (a file when `is_file`, else a dir); 0, EEXIST or an errno.
// When a mount stub is created, the parent's times are put back as they were
// (BuildKit's stub cleaner does the same on removal): else /etc/hosts would
// leave a bare `etc/` entry in every RUN layer.
int create_component(char* buf, size_t end, bool is_file, bool keep_parent_times) noexcept {
  size_t slash = end;
  while (slash > 0 && buf[slash] != '/') --slash;
  struct stat parent {};
  bool have_parent = false;
  if (keep_parent_times && slash > 0) {  // the root dir is in no layer
    buf[slash] = '\0';
    have_parent = ::stat(buf, &parent) == 0;
    buf[slash] = '/';
  }
  int rc;
  if (is_file) {
    int fd = ::open(buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    rc = fd >= 0 ? 0 : errno;
    if (fd >= 0) ::close(fd);
  } else {
    rc = ::mkdir(buf, 0755) == 0 ? 0 : errno;
  }
  if (rc == 0 && have_parent) {
    buf[slash] = '\0';
    struct timespec times[2] = {parent.st_atim, parent.st_mtim};
    (void)::utimensat(AT_FDCWD, buf, times, 0);  // best effort: a foreign-owned dir keeps its new time
    buf[slash] = '/';
  }
  return rc;
}

// Reports a created stub by its real path in the container: through a
// symlink of the image (/var/run -> /run) the stub is really /run/x, and the
// commit looks for it in the snapshot's own tree, where the symlink may not
// be. Falls back to the path as given when /proc is not mounted yet.
void report_created(int report_fd, const char* path, size_t len) noexcept {
  int fd = ::open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    char link[32] = "/proc/self/fd/";
    char digits[12];
    int n = 0;
    for (int v = fd; n == 0 || v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
    size_t at = ::strlen(link);
    while (n > 0) link[at++] = digits[--n];
    link[at] = '\0';
    char resolved[PATH_MAX];
    ssize_t got = ::readlink(link, resolved, sizeof resolved - 1);
    ::close(fd);
    if (got > 0 && resolved[0] == '/') {
      send_created(report_fd, resolved, static_cast<unsigned long>(got));
      return;
    }
  }
  send_created(report_fd, path, len);
}

// mkdir -p of `path` (absolute, in the new root); the last component is a file
// when `is_file`. Every component it creates is reported on `report_fd`
// (when >= 0), top first, so the commit removes nested stubs deepest first
// (a target like /run/secrets/id leaves neither /run/secrets nor /run).
int ensure_path(const char* path, bool is_file, int report_fd) noexcept {
  char buf[PATH_MAX];
  size_t len = ::strnlen(path, sizeof buf);
  if (len == 0 || len >= sizeof buf || path[0] != '/') return EINVAL;
  ::memcpy(buf, path, len + 1);
  for (size_t i = 1; i <= len; ++i) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    if (i > 0 && buf[i - 1] == '/') continue;
    char saved = buf[i];
    buf[i] = '\0';
    bool last = i == len;
    int rc = create_component(buf, i, last && is_file, report_fd >= 0);
    if (rc == 0 && report_fd >= 0) report_created(report_fd, buf, i);
    if (rc != 0 && rc != EEXIST) return rc;
    buf[i] = saved;
  }
  return 0;
}

int set_attr(int fd, unsigned attr) noexcept {
  if (attr == 0) return 0;
  mount_attr a{};
  a.attr_set = attr;
  if (::mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) != 0) return errno;
  return 0;
}

int make_new_fs(MountStep& step) noexcept {
  int fsfd = ::fsopen(step.fstype, FSOPEN_CLOEXEC);
  if (fsfd < 0) return errno;
  int rc = 0;
  for (int i = 0; i < MountStep::kMaxOptions && step.keys[i] && rc == 0; ++i) {
    int r = step.values[i] ? ::fsconfig(fsfd, FSCONFIG_SET_STRING, step.keys[i], step.values[i], 0)
                           : ::fsconfig(fsfd, FSCONFIG_SET_FLAG, step.keys[i], nullptr, 0);
    if (r != 0) rc = errno;
  }
  if (rc == 0 && ::fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) rc = errno;
  if (rc == 0) {
    step.fd = ::fsmount(fsfd, FSMOUNT_CLOEXEC, step.attr);
    if (step.fd < 0) rc = errno;
  }
  ::close(fsfd);
  return rc;
}

}  // namespace

int mount_root(const ChildPlan& plan) noexcept {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
  if (plan.overlay_options) {
    // Short symlinked layer names relative to overlay_dir keep the option
    // string under a page even with hundreds of layers (as overlay2 does).
    if (::chdir(plan.overlay_dir) != 0) return errno;
    if (::mount("overlay", plan.root_mount, "overlay", 0, plan.overlay_options) != 0) return errno;
    return 0;
  }
  if (::mount(plan.plain_dir, plan.root_mount, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
  return 0;
}

int make_detached(MountStep& step) noexcept {
  switch (step.kind) {
    case StepKind::Symlink: return 0;
    case StepKind::NewFs: return make_new_fs(step);
    case StepKind::Bind:
      step.fd = ::open_tree(AT_FDCWD, step.source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (step.fd < 0) return errno;
      return set_attr(step.fd, step.attr);
  }
  return EINVAL;
}

int pivot_into_root(const ChildPlan& plan) noexcept {
  // pivot_root(".", "."): the old root ends up stacked on the new one and is
  // detached at once; no directory is needed in the image for it.
  if (::chdir(plan.root_mount) != 0) return errno;
  if (sys::pivot_root(".", ".") != 0) return errno;
  if (::umount2(".", MNT_DETACH) != 0) return errno;
  if (::chdir("/") != 0) return errno;
  return 0;
}

int attach(MountStep& step, int report_fd) noexcept {
  int rc;
  if (step.kind == StepKind::Symlink) {
    rc = ::symlink(step.source, step.target) == 0 || errno == EEXIST ? 0 : errno;
    return rc;
  }
  rc = ensure_path(step.target, step.target_is_file, step.record_created ? report_fd : -1);
  if (rc != 0) return rc;
  if (::move_mount(step.fd, "", AT_FDCWD, step.target, MOVE_MOUNT_F_EMPTY_PATH) != 0) return errno;
  ::close(step.fd);
  step.fd = -1;
  return 0;
}

int make_dirs_in_root(const char* path) noexcept {
  return ensure_path(path, false, -1);
}

int bring_loopback_up() noexcept {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  ifreq req{};
  ::memcpy(req.ifr_name, "lo", 3);
  int rc = 0;
  if (::ioctl(s, SIOCGIFFLAGS, &req) != 0) rc = errno;
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  if (rc == 0 && ::ioctl(s, SIOCSIFFLAGS, &req) != 0) rc = errno;
  ::close(s);
  return rc;
}

}  // namespace ocbuild::snapshot
