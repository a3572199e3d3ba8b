// `ocbuild version`: prints the version and the store root in use.
#include <iostream>

#include "cli/command.h"

namespace ocbuild::cli {
namespace {
RegisterCommand reg("version", [](CLI::App& app, GlobalOptions& g) {
  auto* sub = app.add_subcommand("version", "print the version and store root");
  sub->callback([&g] {
    std::cout << "ocbuild 0.1.0\nstore: " << g.store_root() << "\n";
  });
});
}  // namespace
}  // namespace ocbuild::cli
