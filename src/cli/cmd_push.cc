// `ocbuild push IMAGE [DEST] [--insecure-registry HOST]... [--tls-verify=false]
// [--digestfile FILE]`: DEST defaults to IMAGE's name; prints the digest.
#include <iostream>
#include <mutex>

#include "cli/command.h"
#include "cli/registry_flags.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/registry/push.h"

namespace ocbuild::cli {
namespace {

struct PushCmd {
  std::string image;
  std::string dest;
  std::string digestfile;
  bool quiet = false;
  RegistryFlags registry;
};

const char* verb(registry::BlobPushResult how) {
  switch (how) {
    case registry::BlobPushResult::AlreadyExists: return "layer already exists";
    case registry::BlobPushResult::Mounted: return "mounted from another repository";
    case registry::BlobPushResult::Uploaded: return "pushed";
  }
  return "";
}

void run_push(const PushCmd& o, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  registry::Reference dest = registry::Reference::parse(o.dest.empty() ? o.image : o.dest);
  registry::PushOptions po;
  po.client = o.registry.client_options();
  auto mu = std::make_shared<std::mutex>();
  if (!o.quiet)
    po.progress = [mu](const Descriptor& b, registry::BlobPushResult how) {
      std::lock_guard<std::mutex> lock(*mu);
      std::cerr << b.digest.hex().substr(0, 12) << ": " << verb(how) << "\n";
    };
  registry::PushResult r = registry::push(store, o.image, dest, po);
  if (!o.digestfile.empty()) write_file_atomic(o.digestfile, r.digest.str());
  std::cout << r.digest.str() << "\n";
}

RegisterCommand reg("push", [](CLI::App& app, GlobalOptions& g) {
  auto o = std::make_shared<PushCmd>();
  auto* sub = app.add_subcommand("push", "push an image from the store to a registry");
  sub->add_option("image", o->image, "local image reference")->required();
  sub->add_option("destination", o->dest, "registry reference (default: the image's name)");
  sub->add_option("--digestfile", o->digestfile, "write the pushed manifest digest to FILE");
  sub->add_flag("-q,--quiet", o->quiet, "print only the digest");
  add_registry_flags(sub, o->registry);
  sub->callback([o, &g] { run_push(*o, g); });
});

}  // namespace
}  // namespace ocbuild::cli
