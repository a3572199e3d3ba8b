// `ocbuild load PATH`: an OCI archive, OCI layout directory or docker archive.
#include <iostream>

#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/export/image_load.h"

namespace ocbuild::cli {
namespace {

RegisterCommand reg("load", [](CLI::App& app, GlobalOptions& g) {
  auto path = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("load", "load images from an OCI archive, OCI layout or docker archive");
  sub->add_option("path", *path, "archive file or OCI layout directory")->required();
  sub->callback([path, &g] {
    ContentStore store(g.store_root());
    for (const auto& l : exporter::load_images(store, *path)) {
      if (l.ref_name.empty()) std::cout << "Loaded image: " << l.target.digest.str() << "\n";
      else std::cout << "Loaded image: " << l.ref_name << "\n";
    }
  });
});

}  // namespace
}  // namespace ocbuild::cli
