// `ocbuild rmi IMAGE...`: removes tags, then garbage-collects the blobs no tag
// reaches any more and no cache record names (like `docker rmi`, it keeps
// the build cache: a rebuild hits). A digest removes every tag that points at it. Like docker,
// a missing image is reported and the others are still removed (exit 1).
#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/solver/store_prune.h"

namespace ocbuild::cli {
namespace {

// The tags an argument names; throws Error(NotFound) when there are none.
std::vector<std::string> tags_for(const ContentStore& store, const std::string& text) {
  ImageRef ref = parse_image_ref(text);
  std::vector<std::string> out;
  if (!ref.digest) {
    if (store.resolve(ref.ref_name())) out.push_back(ref.ref_name());
  } else {
    for (const auto& t : store.list_tags())
      if (t.descriptor.digest == *ref.digest && (ref.name.empty() || t.ref_name.rfind(ref.name + ":", 0) == 0))
        out.push_back(t.ref_name);
  }
  if (out.empty()) throw Error(ErrorCode::NotFound, "image not found: " + text);
  return out;
}

void run(const std::vector<std::string>& images, GlobalOptions& g) {
  ContentStore store(g.store_root());
  for (const auto& image : images) {
    try {
      for (const auto& tag : tags_for(store, image))
        if (store.untag(tag)) std::cout << "Untagged: " << tag << "\n";
    } catch (const Error& e) {
      std::cerr << "error: " << e.what() << "\n";
      g.exit_status = exit_status_for(e.code());
    }
  }
  GcResult gc = solver::collect_unused_blobs(store);
  if (gc.deferred) std::cerr << "note: a build holds the store; unused blobs are kept until the next rmi\n";
  if (gc.blobs_removed)
    std::cout << "Deleted: " << gc.blobs_removed << " blobs (" << human_size(gc.bytes_removed) << ")\n";
}

RegisterCommand reg("rmi", [](CLI::App& app, GlobalOptions& g) {
  auto images = std::make_shared<std::vector<std::string>>();
  auto* sub = app.add_subcommand("rmi", "remove images (tags) and the blobs only they used");
  sub->add_option("images", *images, "image references")->required();
  sub->callback([images, &g] { run(*images, g); });
});

}  // namespace
}  // namespace ocbuild::cli
