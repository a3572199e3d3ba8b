// `ocbuild save IMAGE [--format oci|oci-dir|docker] -o PATH`
#include <iostream>

#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/export/image_save.h"

namespace ocbuild::cli {
namespace {

struct SaveOptions {
  std::string image;
  std::string format = "oci";
  std::string output;
};

void run(const SaveOptions& o, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  exporter::SaveFormat format = exporter::parse_save_format(o.format);
  ImageRef ref = parse_image_ref(o.image);
  Descriptor target = find_image(store, o.image);
  exporter::save_image(store, {target, ref.ref_name()}, format, o.output);
}

RegisterCommand reg("save", [](CLI::App& app, GlobalOptions& g) {
  auto opts = std::make_shared<SaveOptions>();
  auto* sub = app.add_subcommand("save", "write an image as an OCI archive, OCI layout directory or docker archive");
  sub->add_option("image", opts->image, "image reference (name[:tag], name@digest or digest)")->required();
  sub->add_option("--format", opts->format, "oci (tar of an OCI layout), oci-dir or docker")
      ->check(CLI::IsMember({"oci", "oci-dir", "docker"}));
  sub->add_option("-o,--output", opts->output, "output file (or directory for oci-dir)")->required();
  sub->callback([opts, &g] { run(*opts, g); });
});

}  // namespace
}  // namespace ocbuild::cli
