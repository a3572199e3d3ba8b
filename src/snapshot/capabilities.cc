#include "snapshot/capabilities.h"

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "snapshot/child_plan.h"

namespace ocbuild::snapshot {

uint64_t docker_default_caps() {
  uint64_t caps = 0;
  for (int c : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID,
                CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,
                CAP_AUDIT_WRITE})
    caps |= uint64_t{1} << c;
  return caps;
}

int last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int n = CAP_LAST_CAP;
  if (in >> n && n > 0 && n < 64) return n;
  return CAP_LAST_CAP;
}

int drop_bounding_set(const ChildPlan& plan) noexcept {
  for (int c = 0; c <= plan.last_cap; ++c) {
    if (plan.caps & (uint64_t{1} << c)) continue;
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  return 0;
}

int switch_user(const ChildPlan& plan) noexcept {
  // setgroups(2) through the raw syscall: glibc's wrapper may signal other
  // threads (there are none here, but it is not documented to be safe).
  if (plan.set_groups && ::syscall(SYS_setgroups, plan.group_count, plan.groups) != 0) return errno;
  if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) return errno;
  if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) return errno;
  return 0;
}

int set_capabilities(const ChildPlan& plan) noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  uint64_t caps = plan.uid == 0 ? plan.caps : 0;
  data[0].effective = data[0].permitted = static_cast<uint32_t>(caps);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(caps >> 32);
  if (::syscall(SYS_capset, &header, data) != 0) return errno;
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  return 0;
}

}  // namespace ocbuild::snapshot
