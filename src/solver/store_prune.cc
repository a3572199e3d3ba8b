#include "ocbuild/solver/store_prune.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>
#include <utility>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/lease.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/cache_mounts.h"
#include "ocbuild/snapshot/snapshot_gc.h"
#include "ocbuild/solver/cache_store.h"
#include "solver/store_walk.h"

namespace ocbuild::solver {
namespace {

namespace fs = std::filesystem;

// A result record that can never hit: unreadable, corrupt, of another
// version, or whose layer blob is gone. Last-build records are kept.
bool record_stale(const ContentStore& store, const std::string& path) {
  fs::path p(path);
  if (p.parent_path().filename() == "builds") return false;
  auto result = read_record(path);
  return !result || (result->layer && !store.has(result->layer->blob.digest));
}

// Every committed snapshot no running build leases and, when no build runs,
// what dead builds left (snapshot_gc.h), each moved out of the way first, so
// a reader never sees half a tree.
void prune_snapshots(const std::string& root, const LeasedItems& leases, PartUsage& usage) {
  std::vector<std::string> dirs;
  if (leases.live == 0) dirs = snapshot::snapshot_leftovers(root);
  auto snapshots = snapshot::list_snapshots(root);
  std::set<Digest> keep = leased_chains(snapshots, leases);
  for (const auto& s : snapshots)
    if (!s.chain_id || !keep.count(*s.chain_id)) dirs.push_back(s.dir);
  for (const auto& dir : dirs) {
    Inodes seen;
    uint64_t bytes = tree_bytes(dir, seen);
    snapshot::remove_snapshot_dir(root, dir);
    ++usage.count;
    usage.bytes += bytes;
  }
}

}  // namespace

void prune_stale_records(const ContentStore& store, PartUsage& removed) {
  for (const auto& f : record_files(store.root()))
    if (record_stale(store, f)) remove_counted(f, removed);
}

StoreUsage store_usage(const ContentStore& store) {
  StoreUsage u;
  Inodes seen;
  for (const auto& blob : children(store.root() + "/blobs/sha256")) {
    ++u.blobs.count;
    u.blobs.bytes += tree_bytes(blob, seen);
  }
  for (const auto& dir : children(store.root() + "/snapshots/committed")) {
    ++u.snapshots.count;
    u.snapshots.bytes += tree_bytes(dir, seen);
  }
  for (const char* part : {"active", "tmp"})
    for (const auto& dir : children(store.root() + "/snapshots/" + part)) u.snapshots.bytes += tree_bytes(dir, seen);
  for (const auto& info : snapshot::CacheMounts(store.root()).list()) {
    ++u.cache_mounts.count;
    u.cache_mounts.bytes += info.size;
  }
  for (const auto& f : record_files(store.root())) {
    ++u.cache_records.count;
    u.cache_records.bytes += tree_bytes(f, seen);
  }
  return u;
}

PruneResult prune_store(ContentStore& store, bool all) {
  PruneResult r;
  if (!all) {
    if (collect_unneeded(store, r)) return r;
    r.busy = true;
    r.blobs.deferred = true;
    prune_stale_records(store, r.records);
    return r;
  }
  {
    auto collecting = lock_for_collection(store.root());
    r.busy = !collecting;
    if (collecting) {
      LeasedItems leases = read_leases(store.root());
      for (const auto& f : record_files(store.root()))
        if (!leases.records.count(fs::path(f).stem().string())) remove_counted(f, r.records);
      prune_snapshots(store.root(), leases, r.snapshots);
      snapshot::CacheMounts mounts(store.root());
      size_t before = mounts.list().size();
      r.cache_mounts.bytes = mounts.prune();
      r.cache_mounts.count = before - mounts.list().size();
    }
  }  // the lock is dropped before the collection, which takes it itself
  r.blobs = store.collect_garbage();
  // After the collection, so records of the blobs it just removed go too.
  if (r.busy) prune_stale_records(store, r.records);
  return r;
}

}  // namespace ocbuild::solver
