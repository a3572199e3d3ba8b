#pragma once
// Lease: what a running build relies on in the store, so that `prune` and
// `rmi` can delete while builds run without breaking them (containerd's
// leases). Format "ocbuild-lease 1": a first line "ocbuild-lease 1", then one
// "<kind> <id>" line per item (kind: blob, snapshot, record; id: a digest, or
// a committed snapshot's dir name).
//
// The protocol:
// - A build creates <store>/leases/<random>.lease (made under a temp name,
//   flock(LOCK_EX)ed, then renamed in, so no collector sees it unlocked while
//   its owner lives) and holds that flock for its lifetime. The kernel drops
//   it when the process dies: a lease whose flock a collector can take is
//   stale, and the collector deletes it.
// - Before relying on an existing item (a blob it finds present and does not
//   write, the layer blob of a cache hit, a committed snapshot it mounts or
//   copies from) or making a new one visible (a blob or snapshot renamed into
//   place), the build takes <store>/gc.lock SHARED, appends the item to its
//   lease (one O_APPEND write), checks that the item exists (or renames it
//   in), and drops gc.lock: hold() below.
// - A collector (prune, rmi) takes gc.lock EXCLUSIVE for its whole decide-
//   and-delete phase, reads every lease (read_leases) and keeps every leased
//   item, and a leased snapshot's parents, as roots.
// So an item is either leased before a collector decides (it is kept) or
// checked after the collector deleted it (absent: the build treats it as a
// miss and makes it again). No one holds gc.lock across a build step.
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild {

enum class LeaseKind { Blob, Snapshot, Record };

// Thread safe. Throws Error(Io) when the lease file cannot be made or written.
class Lease {
 public:
  explicit Lease(std::string store_root);
  ~Lease();  // removes the file, then drops the flock
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // Appends the item (once) under gc.lock shared, then returns `use()` (a
  // check that the item exists, or the rename that makes it visible), still
  // under gc.lock. An item leased before is already safe: `use` runs unlocked.
  bool hold(LeaseKind kind, const std::string& id, const std::function<bool()>& use);
  const std::string& path() const { return path_; }

 private:
  std::string root_, path_;
  UniqueFd fd_;
  std::mutex mu_;
  std::set<std::string> held_;
};

// lease->hold(...), or just `use()` when no lease is attached (not a build).
bool hold(Lease* lease, LeaseKind kind, const std::string& id, const std::function<bool()>& use);

struct LeasedItems {
  std::set<std::string> blobs;      // hex
  std::set<std::string> snapshots;  // committed dir names
  std::set<std::string> records;    // key hex
  size_t live = 0;                  // leases held by running builds
  size_t stale_removed = 0;         // leases of dead builds, deleted now
};

// For collectors, which must hold gc.lock exclusively: the items of every
// live lease; stale leases are deleted.
LeasedItems read_leases(const std::string& store_root);

// gc.lock exclusively, for a collector: waits (a few seconds at most) while
// builds hold it briefly in hold(); nullopt when something keeps it longer
// (a pull holds ContentStore::lease() until it tags).
std::optional<FileLock> lock_for_collection(const std::string& store_root);

}  // namespace ocbuild
