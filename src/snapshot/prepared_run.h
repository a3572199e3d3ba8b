#pragma once
// PreparedRun turns a RunSpec into a ChildPlan before clone(): resolves the
// user, builds argv/env, the overlay option string, the mount plan and the
// seccomp program, and owns every byte the plan points at.
#include <linux/filter.h>

#include <string>
#include <vector>

#include "ocbuild/snapshot/run_spec.h"
#include "snapshot/child_plan.h"
#include "snapshot/id_map.h"
#include "snapshot/string_arena.h"

namespace ocbuild::snapshot {

class PreparedRun {
 public:
  // `run_dir` is a private scratch dir (root mount point, /etc files, layer
  // links). Throws Error(Invalid/NotFound/Io).
  PreparedRun(const RunSpec& spec, const std::string& run_dir, const IdMapPlan& maps);
  PreparedRun(const PreparedRun&) = delete;
  PreparedRun& operator=(const PreparedRun&) = delete;

  ChildPlan& plan() { return plan_; }

 private:
  void plan_root(const RunSpec& spec, const std::string& run_dir);
  void plan_user(const RunSpec& spec, const IdMapPlan& maps);
  void plan_process(const RunSpec& spec);

  StringArena arena_;
  std::vector<std::string> layers_;  // for /etc/passwd lookups, top first
  std::vector<MountStep> steps_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  std::vector<const char*> path_dirs_;
  std::vector<gid_t> groups_;
  std::string home_ = "/";
  ChildPlan plan_;
};

}  // namespace ocbuild::snapshot
