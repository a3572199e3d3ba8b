#pragma once
// Snapshot garbage collection, for `ocbuild prune`: the committed snapshots
// under <store root>/snapshots with their chain links, and their removal.
// The caller decides what to keep and must hold gc.lock exclusively and keep
// what running builds lease (core/lease.h), so no removed snapshot is in use.
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::snapshot {

struct SnapshotInfo {
  std::string dir;  // <store root>/snapshots/committed/<hex>
  // nullopt for a dir without a valid meta (an interrupted unpack or commit).
  std::optional<Digest> chain_id, parent, diff_id;
};

// Every dir under committed/, sorted by name; none when there is no store.
std::vector<SnapshotInfo> list_snapshots(const std::string& store_root);
// What builds that died left behind: the dirs under snapshots/active/ and
// snapshots/tmp/, and the RUN scratch dirs under <store root>/tmp/ (rw bind
// copies, filtered context views).
std::vector<std::string> snapshot_leftovers(const std::string& store_root);
// Moves `dir` (one of the above, or any dir of the store's file system) out
// of the way, then removes it as container root (it may hold files of
// subordinate ids). Throws Error(Io).
void remove_snapshot_dir(const std::string& store_root, const std::string& dir);

}  // namespace ocbuild::snapshot
