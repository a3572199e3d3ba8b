#pragma once
// Registry flags shared by pull and push: --insecure-registry HOST (repeat),
// --tls-verify=false; turned into the client's options.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "ocbuild/registry/client.h"

namespace ocbuild::cli {

struct RegistryFlags {
  std::vector<std::string> insecure_hosts;
  bool tls_verify = true;
  registry::ClientOptions client_options() const;
};

void add_registry_flags(CLI::App* sub, RegistryFlags& flags);

}  // namespace ocbuild::cli
