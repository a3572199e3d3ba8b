// list() and prune() of the cache mounts: sizes are read, and trees removed,
// as container root, since a RUN may leave files of subordinate ids there.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/cache_mounts.h"
#include "snapshot/cache_mounts_internal.h"
#include "snapshot/fs_entry.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

uint64_t usage_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = static_cast<uint64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return total;
  for (const auto& name : list_dir(path)) total += usage_of(path + "/" + name);
  return total;
}

bool is_instance_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The id recorded in meta, or the dir name for a foreign or broken cache.
std::string read_id(const std::string& dir, const std::string& name) {
  try {
    std::string meta = read_file(dir + "/meta");
    std::string head = std::string(kCacheMetaFormat) + "\nid=";
    if (meta.rfind(head, 0) != 0) return name;
    size_t end = meta.find('\n', head.size());
    return meta.substr(head.size(), end == std::string::npos ? std::string::npos : end - head.size());
  } catch (const Error&) {
    return name;
  }
}

std::vector<std::string> entry_names(const std::string& root) {
  std::vector<std::string> out;
  for (auto& name : list_dir(root))
    if (name.rfind(".trash-", 0) != 0) out.push_back(name);
  return out;
}

}  // namespace

uint64_t tree_usage(const std::string& path) {
  return std::strtoull(as_container_root([&] { return std::to_string(usage_of(path)); }).c_str(), nullptr, 10);
}

std::vector<CacheMountInfo> CacheMounts::list() const {
  std::vector<CacheMountInfo> out;
  for (const auto& name : entry_names(root_)) {
    CacheMountInfo info;
    info.dir = root_ + "/" + name;
    info.id = read_id(info.dir, name);
    for (const auto& child : list_dir(info.dir))
      if (is_instance_name(child)) ++info.instances;
    info.size = tree_usage(info.dir);
    info.in_use = !FileLock::try_lock(info.dir + "/entry.lock");
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

uint64_t CacheMounts::prune() {
  uint64_t freed = 0;
  for (const auto& name : entry_names(root_)) {
    std::string dir = root_ + "/" + name;
    auto lock = FileLock::try_lock(dir + "/entry.lock");
    if (!lock) continue;  // leased now
    uint64_t size = tree_usage(dir);
    // Renamed away under the lock: an acquire() waiting for it then finds
    // no meta and starts a fresh cache.
    TempDir trash(".trash-", root_);
    std::string target = trash.path() + "/" + name;
    if (::rename(dir.c_str(), target.c_str()) != 0) throw Error::io("prune cache mount " + dir, errno);
    lock.reset();
    remove_as_container_root(trash.release());
    freed += size;
  }
  return freed;
}

}  // namespace ocbuild::snapshot
