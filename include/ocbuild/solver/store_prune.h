#pragma once
// Store housekeeping for `ocbuild prune` and `ocbuild du`: what the store's
// parts take on disk (blobs, snapshots, RUN cache mounts, cache records) and
// removing what is no longer useful. prune: cache records that cannot hit
// (corrupt, unknown version, layer blob gone), then snapshots and blobs
// nothing needs (collect_unneeded below); with `all`, every cache
// record, last-build record, committed snapshot and unused cache mount;
// then the content store's garbage collection of untagged blobs.
// Running builds are no obstacle: what they lease (core/lease.h) is kept,
// and what dead builds left is removed once no build runs. Only while
// gc.lock stays held for long (a pull) is nothing but stale records touched.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

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
  bool busy = false;       // gc.lock stayed held (a pull): only stale records went
};

PruneResult prune_store(ContentStore& store, bool all);

// `prune --keep-storage SIZE`: stale records first, then snapshots and
// blobs that neither a tag nor a cache record needs, then the least recently
// used cache records (a hit renews a record) with the blobs and snapshots
// only they needed, until store_usage() is at most `keep_bytes`; unused RUN
// cache mounts go last, when records alone are not enough. Tagged images
// are never touched, nor what running builds lease. Records removed are
// in `records`, and so on.
PruneResult prune_store_to(ContentStore& store, uint64_t keep_bytes);

// Plain `prune`: stale records, then the snapshots and blobs that neither a
// tag nor a cache record needs (so the cache of untagged builds survives),
// and what dead builds left in the snapshot dirs (when no build runs);
// false (nothing done) when gc.lock stays held.
bool collect_unneeded(ContentStore& store, PruneResult& result);

// `rmi`: removes the blobs that neither a tag, a cache record nor a running
// build's lease needs (removing an image keeps the build cache, as
// `docker rmi` does).
GcResult collect_unused_blobs(ContentStore& store);
// The layer blobs the cache records under `root` name.
std::set<Digest> cache_record_blobs(const std::string& root);

// Docker's SIZE for --keep-storage: plain bytes or a number with a unit
// k, m, g, t (1024-based; "b", "ib" and case are accepted: 500MB, 2g,
// 1.5GiB). nullopt when malformed.
std::optional<uint64_t> parse_storage_size(std::string_view text);

}  // namespace ocbuild::solver
