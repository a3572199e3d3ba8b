#pragma once
// Internal to the solver: walking the store's files for `du` and `prune`.
#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ocbuild/core/lease.h"
#include "ocbuild/snapshot/snapshot_gc.h"
#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/store_prune.h"

namespace ocbuild::solver {

using Inodes = std::set<std::pair<dev_t, ino_t>>;

// Allocated bytes of a tree (not following symlinks); an inode already in
// `seen` (a hard link) is not counted again.
uint64_t tree_bytes(const std::string& path, Inodes& seen);
// The entries of a dir (full paths); none when it cannot be read.
std::vector<std::string> children(const std::string& dir);
// Every cache record file (results and last builds).
std::vector<std::string> record_files(const std::string& root);
// The result record at `path` (named by its key); nullopt when it is
// unreadable, corrupt, of another version or not named by a digest.
std::optional<CacheResult> read_record(const std::string& path);
// Removes a tree and adds it to `usage`. Throws Error(Io).
void remove_counted(const std::string& path, PartUsage& usage);
// The chain IDs of the snapshots running builds lease, with their parents
// (a snapshot is used with the chain under it).
std::set<Digest> leased_chains(const std::vector<snapshot::SnapshotInfo>& snapshots, const LeasedItems& leases);
// Removes the result records that can never hit (store_prune.cc).
void prune_stale_records(const ContentStore& store, PartUsage& removed);

}  // namespace ocbuild::solver
