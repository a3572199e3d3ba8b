#pragma once
// The container's mounts in the order the child attaches them: /proc, a
// minimal /dev, /sys, the generated /etc files, then the RunSpec's mounts.
#include <string>
#include <vector>

#include "ocbuild/snapshot/run_spec.h"
#include "snapshot/child_plan.h"
#include "snapshot/string_arena.h"

namespace ocbuild::snapshot {

// Writes hosts, resolv.conf and hostname into `run_dir`/etc (bind sources).
void write_etc_files(const RunSpec& spec, const std::string& run_dir);

// Throws Error(Invalid) for a relative or empty mount target.
std::vector<MountStep> plan_mounts(const RunSpec& spec, const std::string& run_dir, StringArena& arena);

}  // namespace ocbuild::snapshot
