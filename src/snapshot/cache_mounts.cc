// Cache mount directories. Format "ocbuild-cache-mount 1": each cache dir
// holds a `meta` file ("ocbuild-cache-mount 1\nid=<id>\nbase=<key>\n"); an
// unknown format line makes list() treat the cache as foreign (left alone
// by acquire, removed by prune).
#include "ocbuild/snapshot/cache_mounts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "snapshot/cache_mounts_internal.h"
#include "snapshot/tree_copy.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

constexpr int kMaxInstances = 4096;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string instance_dir(const std::string& entry, int n) { return entry + "/" + std::to_string(n); }
std::string instance_lock(const std::string& entry, int n) { return entry + "/" + std::to_string(n) + ".lock"; }

// chown as the container sees it. With a single mapping only 0 is mapped:
// the kernel says EINVAL for other ids, and the directory stays the user's.
void apply_owner(const std::string& dir, const CacheOwner& owner) {
  as_container_root([&] {
    if (::lchown(dir.c_str(), owner.uid, owner.gid) != 0 && errno != EINVAL)
      throw Error::io("chown cache mount " + dir, errno);
    if (::chmod(dir.c_str(), owner.mode & 07777) != 0) throw Error::io("chmod cache mount " + dir, errno);
    return std::string();
  });
}

// Builds the instance in a temp dir and renames it into place; a concurrent
// creator that wins the rename makes ours redundant.
void ensure_instance(const std::string& entry, int n, const CacheOwner& owner,
                     const std::optional<CacheBase>& base) {
  std::string dir = instance_dir(entry, n);
  if (exists(dir)) return;
  TempDir tmp("tmp-", entry);
  if (base) {
    struct stat st {};
    if (::stat(base->dir.c_str(), &st) != 0) throw Error::io("cache mount base " + base->dir, errno);
    if (!S_ISDIR(st.st_mode))
      throw Error(ErrorCode::Invalid, "cache mount base is not a directory: " + base->dir);
    as_container_root([&] {
      merge_layers({base->dir}, tmp.path());
      return std::string();
    });
  }
  apply_owner(tmp.path(), owner);
  if (::rename(tmp.path().c_str(), dir.c_str()) != 0) {
    if (errno != EEXIST && errno != ENOTEMPTY) throw Error::io("create cache mount " + dir, errno);
    remove_as_container_root(tmp.release());
    return;
  }
  tmp.release();
  fsync_dir(entry);
}

void write_meta(const std::string& entry, const std::string& id, const std::string& base_key) {
  if (exists(entry + "/meta")) return;
  write_file_atomic(entry + "/meta", std::string(kCacheMetaFormat) + "\nid=" + id + "\nbase=" + base_key + "\n");
}

// Takes the entry lock shared, recreating the entry when prune() removed it
// between our mkdir and our lock.
FileLock lock_entry(const std::string& entry, const std::string& id, const std::string& base_key) {
  for (int attempt = 0;; ++attempt) {
    make_dirs(entry);
    write_meta(entry, id, base_key);
    FileLock lock(entry + "/entry.lock", FileLock::Mode::Shared);
    if (exists(entry + "/meta")) return lock;
    if (attempt > 100) throw Error(ErrorCode::Io, "cache mount " + entry + " keeps disappearing");
  }
}

}  // namespace

const char* to_string(CacheSharing sharing) {
  switch (sharing) {
    case CacheSharing::Shared: return "shared";
    case CacheSharing::Private: return "private";
    case CacheSharing::Locked: return "locked";
  }
  return "?";
}

std::string cache_dir_name(const std::string& id, const std::string& base_key) {
  std::string name;
  for (char c : id) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-';
    if (name.size() < 48) name += keep ? c : '_';
  }
  while (!name.empty() && name.front() == '.') name.front() = '_';  // never ".", ".." or hidden
  Hasher h;
  h.field("id", id);
  h.field("base", base_key);
  return name + "-" + h.finish().hex().substr(0, 12);
}

CacheMounts::CacheMounts(const std::string& store_root) : root_(store_root + "/cache-mounts") {
  make_dirs(root_);
}

CacheLease CacheMounts::acquire(const std::string& id, CacheSharing sharing, const CacheOwner& owner,
                                const std::optional<CacheBase>& base) {
  if (id.empty()) throw Error(ErrorCode::Invalid, "cache mount id must not be empty");
  std::string base_key = base ? base->key : std::string();
  std::string entry = root_ + "/" + cache_dir_name(id, base_key);
  FileLock entry_lock = lock_entry(entry, id, base_key);
  if (sharing != CacheSharing::Private) {
    auto mode = sharing == CacheSharing::Shared ? FileLock::Mode::Shared : FileLock::Mode::Exclusive;
    FileLock lock(instance_lock(entry, 0), mode);
    ensure_instance(entry, 0, owner, base);
    return CacheLease(instance_dir(entry, 0), 0, std::move(entry_lock), std::move(lock));
  }
  for (int n = 0; n < kMaxInstances; ++n) {
    auto lock = FileLock::try_lock(instance_lock(entry, n));
    if (!lock) continue;
    ensure_instance(entry, n, owner, base);
    return CacheLease(instance_dir(entry, n), n, std::move(entry_lock), std::move(*lock));
  }
  throw Error(ErrorCode::Io, "cache mount " + id + ": all " + std::to_string(kMaxInstances) +
                                 " private instances are in use");
}

void remove_as_container_root(const std::string& path) {
  as_container_root([&] {
    remove_tree_noexcept(path);
    return std::string();
  });
}

}  // namespace ocbuild::snapshot
