#pragma once
// Store housekeeping for `ocbuild prune` and `ocbuild du`: what the store's
// parts take on disk (blobs, snapshots, RUN cache mounts, cache records) and
// removing what is no longer useful. prune: cache records that cannot hit
// (corrupt, unknown version, layer blob gone); with `all`, every cache
// record, last-build record, committed snapshot and unused cache mount;
// then the content store's garbage collection of untagged blobs.
// With `all`, nothing but the stale records is touched while a build holds
// the store (a lease on gc.lock): that build may be using them.
#include <cstddef>
#include <cstdint>

#include "ocbuild/core/content_store.h"

namespace ocbuild::solver {

struct PartUsage {
  size_t count = 0;     // blobs, snapshots, cache mounts, records
  uint64_t bytes = 0;   // allocated (st_blocks), hard links counted once
};

struct StoreUsage {
  PartUsage blobs;
  PartUsage snapshots;
  PartUsage cache_mounts;
  PartUsage cache_records;
  uint64_t total() const { return blobs.bytes + snapshots.bytes + cache_mounts.bytes + cache_records.bytes; }
};

StoreUsage store_usage(const ContentStore& store);

struct PruneResult {
  PartUsage records;       // cache and last-build records removed
  PartUsage snapshots;     // committed snapshots removed (all)
  PartUsage cache_mounts;  // cache mounts removed (all)
  GcResult blobs;          // the content store's garbage collection
  bool busy = false;       // `all` was asked but a build holds the store
};

PruneResult prune_store(ContentStore& store, bool all);

}  // namespace ocbuild::solver
