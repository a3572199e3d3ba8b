// `ocbuild diff A B`: the reproducibility check. A and B are store references
// or saved images (OCI archive, OCI layout directory, docker-archive). Exit 0
// when byte-identical, 1 when not, 2 on error.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/image_diff.h"
#include "ocbuild/export/image_load.h"

namespace ocbuild::cli {
namespace {

// An image to compare, with the store that holds its blobs (a temporary one
// for a saved image, removed when this goes away).
struct OpenedImage {
  std::unique_ptr<TempDir> scratch;
  std::unique_ptr<ContentStore> store;
  Descriptor target;
};

OpenedImage open_image(const std::string& what, const std::string& root) {
  OpenedImage img;
  struct stat st{};
  if (::stat(what.c_str(), &st) == 0) {
    img.scratch = std::make_unique<TempDir>("diff-");
    img.store = std::make_unique<ContentStore>(img.scratch->path() + "/store");
    auto loaded = exporter::load_images(*img.store, what);
    if (loaded.size() != 1)
      throw Error(ErrorCode::Invalid, what + ": holds " + std::to_string(loaded.size()) + " images; diff needs one");
    img.target = loaded.front().target;
  } else {
    img.store = std::make_unique<ContentStore>(root);
    img.target = find_image(*img.store, what);
  }
  img.target = select_manifest(*img.store, img.target);
  return img;
}

exporter::ImageToCompare describe(const OpenedImage& img, const std::string& name) {
  StoredImage stored = read_image(*img.store, img.target);
  exporter::ImageToCompare c;
  c.name = name;
  c.manifest_digest = img.target.digest;
  c.manifest_json = img.store->read(img.target.digest);
  c.config_json = stored.config_bytes;
  for (const auto& l : stored.manifest.layers) c.layer_paths.push_back(img.store->blob_path(l.digest));
  return c;
}

int run_diff(const std::string& a, const std::string& b, size_t max, const GlobalOptions& g) {
  try {
    OpenedImage ia = open_image(a, g.store_root());
    OpenedImage ib = open_image(b, g.store_root());
    exporter::DiffOptions options;
    options.max_differences = max;
    exporter::ImageDiff d = exporter::diff_images(describe(ia, a), describe(ib, b), options);
    if (d.identical) {
      std::cout << "identical: " << ia.target.digest.str() << "\n";
      return 0;
    }
    for (const auto& line : d.differences) std::cout << line << "\n";
    if (d.total > d.differences.size())
      std::cout << "... and " << d.total - d.differences.size() << " more differences\n";
    return 1;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

RegisterCommand reg("diff", [](CLI::App& app, GlobalOptions& g) {
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto max = std::make_shared<size_t>(50);
  auto* sub = app.add_subcommand("diff", "compare two images file by file (exit 0 identical, 1 different)");
  sub->add_option("a", *a, "image reference or saved image path")->required();
  sub->add_option("b", *b, "image reference or saved image path")->required();
  sub->add_option("--max", *max, "how many differences to print (default 50)");
  sub->callback([a, b, max, &g] { g.exit_status = run_diff(*a, *b, *max, g); });
});

}  // namespace
}  // namespace ocbuild::cli
