// `ocbuild du`: what the store takes on disk, by part (like `docker system
// df`): blobs, snapshots, RUN cache mounts and cache records.
#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/solver/store_prune.h"

namespace ocbuild::cli {
namespace {

std::vector<std::string> row(const char* name, const solver::PartUsage& u) {
  return {name, std::to_string(u.count), human_size(static_cast<int64_t>(u.bytes))};
}

void run(GlobalOptions& g) {
  ContentStore store(g.store_root());
  solver::StoreUsage u = solver::store_usage(store);
  print_table(std::cout, {{"TYPE", "COUNT", "SIZE"},
                          row("blobs", u.blobs),
                          row("snapshots", u.snapshots),
                          row("cache mounts", u.cache_mounts),
                          row("cache records", u.cache_records),
                          {"total", "", human_size(static_cast<int64_t>(u.total()))}});
}

RegisterCommand reg("du", [](CLI::App& app, GlobalOptions& g) {
  auto* sub = app.add_subcommand("du", "show the disk usage of the store");
  sub->callback([&g] { run(g); });
});

}  // namespace
}  // namespace ocbuild::cli
