#include "cli/registry_flags.h"

#include <iostream>

namespace ocbuild::cli {

registry::ClientOptions RegistryFlags::client_options() const {
  registry::ClientOptions o;
  o.transport.insecure_hosts = insecure_hosts;
  o.transport.tls_verify = tls_verify;
  o.transport.warn = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
  return o;
}

void add_registry_flags(CLI::App* sub, RegistryFlags& flags) {
  sub->add_option("--insecure-registry", flags.insecure_hosts,
                  "allow plain HTTP / unverified TLS for this registry host (repeatable)");
  sub->add_option("--tls-verify", flags.tls_verify, "verify TLS certificates (default true)");
}

}  // namespace ocbuild::cli
