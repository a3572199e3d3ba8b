// Lease and read_leases (see lease.h for the protocol).
#include "ocbuild/core/lease.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/paths.h"

namespace ocbuild {
namespace {

constexpr const char* kHeader = "ocbuild-lease 1\n";

const char* kind_name(LeaseKind kind) {
  switch (kind) {
    case LeaseKind::Blob: return "blob";
    case LeaseKind::Snapshot: return "snapshot";
    case LeaseKind::Record: return "record";
  }
  return "?";
}

}  // namespace

Lease::Lease(std::string store_root) : root_(std::move(store_root)) {
  std::string dir = root_ + "/leases";
  make_dirs(dir);
  std::string tmpl = dir + "/.new-XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC | O_APPEND);
  if (fd < 0) throw Error::io("create lease in " + dir, errno);
  fd_.reset(fd);
  // Locked before it gets its name: a collector never sees it unlocked.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) throw Error::io("lock lease " + tmpl, errno);
  write_all(fd, kHeader, std::strlen(kHeader), "lease " + tmpl);
  path_ = dir + "/" + std::filesystem::path(tmpl).filename().string().substr(5) + ".lease";
  if (::rename(tmpl.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw Error::io("rename lease " + tmpl, err);
  }
}

Lease::~Lease() { ::unlink(path_.c_str()); }  // fd_ closes after: the flock goes last

bool Lease::hold(LeaseKind kind, const std::string& id, const std::function<bool()>& use) {
  std::string line = std::string(kind_name(kind)) + " " + id + "\n";
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (held_.count(line)) return use();
  }
  FileLock gc(root_ + "/gc.lock", FileLock::Mode::Shared);
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (held_.insert(line).second) write_all(fd_.get(), line.data(), line.size(), "lease " + path_);
  }
  return use();
}

bool hold(Lease* lease, LeaseKind kind, const std::string& id, const std::function<bool()>& use) {
  return lease ? lease->hold(kind, id, use) : use();
}

LeasedItems read_leases(const std::string& store_root) {
  LeasedItems out;
  std::error_code ec;
  std::string dir = store_root + "/leases";
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string path = it->path().string();
    bool fresh = it->path().filename().string().rfind(".new-", 0) == 0;
    if (auto dead = FileLock::try_lock(path, FileLock::Mode::Exclusive)) {
      // A .new- file unlocked is one whose maker died before renaming it.
      ::unlink(path.c_str());
      ++out.stale_removed;
      continue;
    }
    if (fresh) continue;  // locked, not named yet: it leases nothing so far
    ++out.live;
    std::istringstream in(read_file(path));
    std::string kind, id;
    while (in >> kind >> id) {
      if (kind == "blob") out.blobs.insert(id);
      else if (kind == "snapshot") out.snapshots.insert(id);
      else if (kind == "record") out.records.insert(id);
    }
  }
  return out;
}

std::optional<FileLock> lock_for_collection(const std::string& store_root) {
  for (int tries = 0; tries < 300; ++tries) {
    if (auto lock = FileLock::try_lock(store_root + "/gc.lock", FileLock::Mode::Exclusive)) return lock;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

}  // namespace ocbuild
