// Walking the store's files for `du` and `prune` (see store_walk.h).
#include "solver/store_walk.h"

#include <filesystem>
#include <map>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"

namespace ocbuild::solver {

namespace fs = std::filesystem;

uint64_t tree_bytes(const std::string& path, Inodes& seen) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = seen.insert({st.st_dev, st.st_ino}).second ? static_cast<uint64_t>(st.st_blocks) * 512 : 0;
  if (!S_ISDIR(st.st_mode)) return total;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    total += tree_bytes(it->path().string(), seen);
  return total;
}

std::vector<std::string> children(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path().string());
  return out;
}

std::vector<std::string> record_files(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& sub : children(root + "/cache/records"))
    for (const auto& f : children(sub)) out.push_back(f);
  for (const auto& f : children(root + "/cache/builds")) out.push_back(f);
  return out;
}

std::optional<CacheResult> read_record(const std::string& path) {
  try {
    return decode_result(Digest::parse("sha256:" + fs::path(path).stem().string()), read_file(path));
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::set<Digest> leased_chains(const std::vector<snapshot::SnapshotInfo>& snapshots, const LeasedItems& leases) {
  std::map<Digest, Digest> parent_of;
  std::set<Digest> out;
  for (const auto& s : snapshots) {
    if (!s.chain_id) continue;
    if (s.parent) parent_of[*s.chain_id] = *s.parent;
    if (leases.snapshots.count(fs::path(s.dir).filename().string())) out.insert(*s.chain_id);
  }
  for (Digest chain : std::vector<Digest>(out.begin(), out.end()))
    for (auto p = parent_of.find(chain); p != parent_of.end(); p = parent_of.find(p->second))
      if (!out.insert(p->second).second) break;
  return out;
}

void remove_counted(const std::string& path, PartUsage& usage) {
  Inodes seen;
  uint64_t bytes = tree_bytes(path, seen);
  std::error_code ec;
  if (fs::remove_all(path, ec) == static_cast<std::uintmax_t>(-1) || ec)
    throw Error::io("prune: cannot remove " + path, ec.value());
  ++usage.count;
  usage.bytes += bytes;
}

}  // namespace ocbuild::solver
