#include "ocbuild/snapshot/snapshot_gc.h"

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <filesystem>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "snapshot/snapshot_meta.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> sorted_children(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<SnapshotInfo> list_snapshots(const std::string& store_root) {
  std::vector<SnapshotInfo> out;
  for (const auto& dir : sorted_children(store_root + "/snapshots/committed")) {
    SnapshotInfo info{dir, std::nullopt, std::nullopt, std::nullopt};
    if (auto meta = read_meta(dir)) info.chain_id = meta->chain_id, info.parent = meta->parent, info.diff_id = meta->diff_id;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> snapshot_leftovers(const std::string& store_root) {
  std::vector<std::string> out;
  for (const char* part : {"active", "tmp"})
    for (auto& dir : sorted_children(store_root + "/snapshots/" + part)) out.push_back(std::move(dir));
  for (auto& dir : sorted_children(store_root + "/tmp")) {
    std::string name = fs::path(dir).filename().string();
    if (name.rfind("ocbuild-scratch-", 0) == 0 || name.rfind("context-view-", 0) == 0) out.push_back(std::move(dir));
  }
  return out;
}

// Renamed first (a reader never sees half a tree, and a crash leaves only
// a .trash- dir that the next prune removes as a leftover of tmp/).
void remove_snapshot_dir(const std::string& store_root, const std::string& dir) {
  std::string tmp = store_root + "/snapshots/tmp";
  fs::create_directories(tmp);
  TempDir trash(".trash-", tmp);
  std::string target = trash.path() + "/" + fs::path(dir).filename().string();
  if (std::rename(dir.c_str(), target.c_str()) != 0) throw Error::io("prune: cannot move " + dir, errno);
  as_container_root([&] {
    remove_tree_noexcept(trash.path());
    return std::string();
  });
}

}  // namespace ocbuild::snapshot
