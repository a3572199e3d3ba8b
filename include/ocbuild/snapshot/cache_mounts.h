#pragma once
// Persistent RUN --mount=type=cache directories, kept under
// <store root>/cache-mounts and bound into RUN steps; never part of a layer.
// A cache is named by its id (BuildKit: the target path when no id is given)
// and, when seeded from a stage or image (`from=`), by that base too. Each
// cache has numbered instances: 0 is the shared one, private leases use the
// first instance nobody holds and create a new one when all are in use.
//
// On disk (format "ocbuild-cache-mount 1", see cache_mounts.cc):
//   cache-mounts/<sanitized id>-<12 hex>/meta     format line, id, base
//   cache-mounts/<sanitized id>-<12 hex>/<n>/     instance n (the bound dir)
//   cache-mounts/<sanitized id>-<12 hex>/<n>.lock flock of instance n
//   cache-mounts/<sanitized id>-<12 hex>/entry.lock shared by every lease,
//                                                 exclusive while pruning
//   cache-mounts/<sanitized id>-<12 hex>/tmp-*    instances being created
//
// Owners: mode/uid/gid are applied once, when an instance is created, as the
// RUN's user namespace sees them (numeric ids inside the container). Run as
// host root the ids are the host's. Run unprivileged with a subordinate range
// the chown happens inside the namespace, so the host shows the mapped ids.
// Run unprivileged with a single mapping only id 0 exists in the container:
// the directory stays owned by the host user, which the RUN sees as root, and
// other uid/gid values are ignored.
//
// Thread and process safety: every method may be called from several
// processes at once; leases hold flock(2) locks the kernel drops on a crash.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/file_lock.h"

namespace ocbuild::snapshot {

enum class CacheSharing { Shared, Private, Locked };
const char* to_string(CacheSharing sharing);

// Mode and owner of a new cache instance (defaults 0755, 0, 0).
struct CacheOwner {
  uint32_t mode = 0755;
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// Seeds a new cache instance with a copy of `dir` (cache `from=`). `key`
// names the base (e.g. the stage's chain ID plus the source path) so that
// another base gets another cache.
struct CacheBase {
  std::string key;
  std::string dir;
};

// A cache directory in use. Move-only; the lock is dropped by the destructor.
class CacheLease {
 public:
  CacheLease(CacheLease&&) noexcept = default;
  CacheLease& operator=(CacheLease&&) noexcept = default;
  CacheLease(const CacheLease&) = delete;
  CacheLease& operator=(const CacheLease&) = delete;

  // The host directory to bind at the mount target.
  const std::string& path() const { return path_; }
  int instance() const { return instance_; }

 private:
  friend class CacheMounts;
  CacheLease(std::string path, int instance, FileLock entry_lock, FileLock lock)
      : path_(std::move(path)), instance_(instance), entry_lock_(std::move(entry_lock)), lock_(std::move(lock)) {}
  std::string path_;
  int instance_ = 0;
  FileLock entry_lock_;  // shared: keeps prune() away
  FileLock lock_;        // of the instance: shared or exclusive
};

// One cache mount as `du` lists it.
struct CacheMountInfo {
  std::string id;
  std::string dir;        // <store root>/cache-mounts/<name>
  uint64_t size = 0;      // bytes allocated by all instances (st_blocks)
  int instances = 0;
  bool in_use = false;    // some instance is leased now
};

class CacheMounts {
 public:
  // Opens (creating) <store_root>/cache-mounts.
  explicit CacheMounts(const std::string& store_root);
  const std::string& root() const { return root_; }

  // Shared: instance 0, also used by others at the same time. Locked:
  // instance 0, waiting until no one else holds it. Private: the first
  // instance no one holds, a new empty one when all are held (a private
  // lease that got instance 0 makes shared and locked leases wait). Throws
  // Error(Invalid) for an empty id, Error(Io) naming the path on failure.
  CacheLease acquire(const std::string& id, CacheSharing sharing, const CacheOwner& owner = {},
                     const std::optional<CacheBase>& base = std::nullopt);

  // All caches with their sizes, sorted by id.
  std::vector<CacheMountInfo> list() const;
  // Removes every cache that no one holds; returns the bytes freed.
  // Caches in use are left alone.
  uint64_t prune();

 private:
  std::string root_;
};

// The directory name of a cache: "<id with [A-Za-z0-9._-] kept>-<12 hex of
// sha256(id, base key)>", so ids that sanitize alike never collide.
std::string cache_dir_name(const std::string& id, const std::string& base_key = "");

}  // namespace ocbuild::snapshot
