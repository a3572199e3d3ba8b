#pragma once
// The child's mount steps: mount the root, make each detached mount while the
// host is still visible, pivot_root, then attach the mounts inside the new
// root. noexcept, allocation-free; each returns 0 or an errno.
namespace ocbuild::snapshot {

struct ChildPlan;
struct MountStep;

int mount_root(const ChildPlan& plan) noexcept;
int make_detached(MountStep& step) noexcept;
int pivot_into_root(const ChildPlan& plan) noexcept;
// Creates the target (mkdir -p, or an empty file) inside the new root and
// reports the topmost path it created when step.record_created.
int attach(MountStep& step, int report_fd) noexcept;
int make_dirs_in_root(const char* path) noexcept;
int bring_loopback_up() noexcept;

}  // namespace ocbuild::snapshot
