#pragma once
// The capability set Docker gives a container, and the child steps that drop
// everything else and switch to the RUN's user.
#include <cstdint>

namespace ocbuild::snapshot {

struct ChildPlan;

// CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP
// SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE.
uint64_t docker_default_caps();
// /proc/sys/kernel/cap_last_cap, or CAP_LAST_CAP of the headers.
int last_cap();

// Child steps, noexcept, returning 0 or an errno.
int drop_bounding_set(const ChildPlan& plan) noexcept;
int switch_user(const ChildPlan& plan) noexcept;   // setgroups, setgid, setuid
int set_capabilities(const ChildPlan& plan) noexcept;  // for uid 0: the default set

}  // namespace ocbuild::snapshot
