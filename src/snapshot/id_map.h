#pragma once
// User namespace id maps, decided in the parent before clone() and written
// once the child exists: identity 0..65535 for host root; for another user,
// the user as root plus its /etc/subuid and /etc/subgid range (through
// newuidmap/newgidmap), or the user alone when it has no range.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ocbuild::snapshot {

struct IdRange {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 0;
};

struct IdMapPlan {
  std::vector<IdRange> uids;
  std::vector<IdRange> gids;
  bool use_helpers = false;  // newuidmap/newgidmap (a subordinate range)
  bool single = false;       // one id only: setgroups is denied
  std::string why_single;    // for the warning
};

// Reads /etc/subuid and /etc/subgid (paths overridable for tests).
IdMapPlan plan_id_maps(const std::string& subuid_path = "/etc/subuid",
                       const std::string& subgid_path = "/etc/subgid");

// Writes the maps of process `pid`; throws Error(Sys) naming the helper or
// the /proc file that failed.
void apply_id_maps(pid_t pid, const IdMapPlan& plan);

bool id_mapped(const std::vector<IdRange>& ranges, uint32_t id);

// A short name for the mapping ("" for host root's identity map, else "-m"
// and 12 hex digits of a hash of both maps): files unpacked under one
// mapping hold host owners that mean other container ids under another, so
// snapshots are kept apart by it.
std::string id_map_tag(const IdMapPlan& plan);

}  // namespace ocbuild::snapshot
