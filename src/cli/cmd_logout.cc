// `ocbuild logout REGISTRY`: removes the registry's `auths` entry from the
// docker config.json.
#include <iostream>
#include <string>

#include "cli/command.h"
#include "ocbuild/core/error.h"
#include "ocbuild/registry/auth.h"

namespace ocbuild::cli {
namespace {

RegisterCommand reg("logout", [](CLI::App& app, GlobalOptions& g) {
  auto registry = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("logout", "remove stored credentials for a registry");
  sub->add_option("registry", *registry, "registry host, e.g. 127.0.0.1:5000")->required();
  sub->callback([registry, &g] {
    std::string host = *registry;
    if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
    if (auto p = host.find('/'); p != std::string::npos) host = host.substr(0, p);
    if (registry::erase_credentials(host)) {
      std::cout << "Removed login credentials for " << host << "\n";
    } else {
      std::cerr << "Not logged in to " << host << "\n";
      g.exit_status = 1;
    }
  });
});

}  // namespace
}  // namespace ocbuild::cli
