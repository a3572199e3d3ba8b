#pragma once
// What an ActiveSnapshot holds, shared by snapshot_store.cc and
// active_snapshot.cc.
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/snapshot/snapshot_store.h"

namespace ocbuild::snapshot {

struct ActiveSnapshot::State {
  Driver driver = Driver::Native;
  std::string dir;  // active/<random>: fs + manifest (native); upper, work, lower (overlay)
  std::optional<Digest> parent;
  std::vector<std::string> lowers;  // committed layer dirs, top first
  RootFs root;
  std::vector<std::string> created;  // mount stubs of the runs so far
  bool finished = false;             // committed or discarded
};

// Removes an active snapshot's dir as container root; never throws.
void remove_active_dir(const std::string& dir) noexcept;

}  // namespace ocbuild::snapshot
