// `ocbuild inspect IMAGE`: the manifest (and index) and config as JSON, exactly
// as stored (unknown fields included).
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"

namespace ocbuild::cli {
namespace {

nlohmann::json stored_json(const ContentStore& store, const Digest& d) {
  return nlohmann::json::parse(store.read(d));
}

void run(const std::string& image, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  Descriptor target = find_image(store, image);
  Descriptor manifest = select_manifest(store, target);
  StoredImage img = read_image(store, manifest);  // also checks that both parse
  nlohmann::json out = {{"Ref", image},
                        {"Digest", target.digest.str()},
                        {"MediaType", target.media_type},
                        {"ManifestDigest", manifest.digest.str()},
                        {"Manifest", stored_json(store, manifest.digest)},
                        {"ConfigDigest", img.manifest.config.digest.str()},
                        {"Config", nlohmann::json::parse(img.config_bytes)},
                        {"Size", img.total_size()}};
  if (manifest.digest != target.digest) out["Index"] = stored_json(store, target.digest);
  std::cout << out.dump(2) << "\n";
}

RegisterCommand reg("inspect", [](CLI::App& app, GlobalOptions& g) {
  auto image = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("inspect", "show an image's manifest and config as JSON");
  sub->add_option("image", *image, "image reference")->required();
  sub->callback([image, &g] { run(*image, g); });
});

}  // namespace
}  // namespace ocbuild::cli
