// `ocbuild prune [--all] [--keep-storage SIZE]`: removes cache records that
// can no longer hit (their layer blob is gone, or they are corrupt) and
// snapshots nothing needs; with --all, every cache record, snapshot and
// unused RUN cache mount; then the blobs no tag reaches. --keep-storage
// instead removes the least recently used cache (records, their blobs and
// snapshots, then cache mounts) until the store takes at most SIZE.
// Images (tags) are never removed.
#include <iostream>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/table.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/solver/store_prune.h"

namespace ocbuild::cli {
namespace {

void line(const char* what, const solver::PartUsage& u) {
  if (u.count) std::cout << "Deleted: " << u.count << " " << what << " (" << human_size(static_cast<int64_t>(u.bytes)) << ")\n";
}

void run(bool all, const std::string& keep, GlobalOptions& g) {
  std::optional<uint64_t> keep_bytes;
  if (!keep.empty()) {
    keep_bytes = solver::parse_storage_size(keep);
    if (!keep_bytes) throw Error(ErrorCode::Invalid, "--keep-storage " + keep + ": not a size (e.g. 500MB, 2GB, 1048576)");
  }
  ContentStore store(g.store_root());
  solver::PruneResult r = keep_bytes ? solver::prune_store_to(store, *keep_bytes) : solver::prune_store(store, all);
  if (r.busy) std::cerr << "note: a build holds the store; only stale cache records were removed\n";
  if (r.blobs.deferred) std::cerr << "note: a build holds the store; unused blobs are kept\n";
  line("cache records", r.records);
  line("snapshots", r.snapshots);
  line("cache mounts", r.cache_mounts);
  solver::PartUsage blobs{r.blobs.blobs_removed, static_cast<uint64_t>(r.blobs.bytes_removed)};
  line("blobs", blobs);
  uint64_t total = r.records.bytes + r.snapshots.bytes + r.cache_mounts.bytes + blobs.bytes;
  std::cout << "Total reclaimed space: " << human_size(static_cast<int64_t>(total)) << "\n";
}

RegisterCommand reg("prune", [](CLI::App& app, GlobalOptions& g) {
  auto all = std::make_shared<bool>(false);
  auto keep = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("prune", "remove unusable build cache and unreferenced blobs");
  sub->add_flag("-a,--all", *all, "also every cache record, snapshot and unused RUN cache mount");
  sub->add_option("--keep-storage", *keep, "remove the least recently used cache until the store takes at most SIZE");
  sub->callback([all, keep, &g] { run(*all, *keep, g); });
});

}  // namespace
}  // namespace ocbuild::cli
