// `ocbuild pull REF [--platform os/arch[/variant]] [--insecure-registry HOST]...
// [--tls-verify=false]`: pulls into the store and tags under the familiar name.
#include <iostream>
#include <mutex>

#include "cli/command.h"
#include "cli/registry_flags.h"
#include "ocbuild/registry/platform_select.h"
#include "ocbuild/registry/pull.h"

namespace ocbuild::cli {
namespace {

struct PullCmd {
  std::string ref;
  std::string platform;
  bool quiet = false;
  RegistryFlags registry;
};

void run_pull(const PullCmd& o, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  registry::Reference ref = registry::Reference::parse(o.ref);
  registry::PullOptions po;
  po.client = o.registry.client_options();
  if (!o.platform.empty()) po.platform = registry::parse_platform(o.platform);
  po.warn = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
  auto mu = std::make_shared<std::mutex>();
  if (!o.quiet)
    po.progress = [mu](const Descriptor& b, int64_t done, bool cached) {
      if (done != b.size) return;  // one line per blob, when it is complete
      std::lock_guard<std::mutex> lock(*mu);
      std::cerr << b.digest.hex().substr(0, 12) << ": " << (cached ? "already exists" : "pull complete") << " ("
                << b.size << " bytes)\n";
    };
  registry::PullResult r = registry::pull(store, ref, po);
  if (!o.quiet) std::cerr << "Digest: " << r.digest.str() << "\n";
  std::cout << (r.ref_name.empty() ? ref.familiar() : r.ref_name) << "\n";
}

RegisterCommand reg("pull", [](CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<PullCmd>();
  auto* sub = app.add_subcommand("pull", "pull an image from a registry into the store");
  sub->add_option("reference", o->ref, "image reference, e.g. busybox:latest or 127.0.0.1:5000/app:1")->required();
  sub->add_option("--platform", o->platform, "os/arch[/variant] to pull from a multi-platform image");
  sub->add_flag("-q,--quiet", o->quiet, "print only the local image name");
  add_registry_flags(sub, o->registry);
  sub->callback([o, &g] { run_pull(*o, g); });
});

}  // namespace
}  // namespace ocbuild::cli
