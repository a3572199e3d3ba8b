// `ocbuild tag SOURCE TARGET`
#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"

namespace ocbuild::cli {
namespace {

RegisterCommand reg("tag", [](CLI::App& app, GlobalOptions& g) {
  auto args = std::make_shared<std::pair<std::string, std::string>>();
  auto* sub = app.add_subcommand("tag", "create a tag TARGET that refers to SOURCE");
  sub->add_option("source", args->first, "existing image reference")->required();
  sub->add_option("target", args->second, "new name[:tag]")->required();
  sub->callback([args, &g] {
    ContentStore store(g.store_root());
    ImageRef dst = parse_tag_ref(args->second);
    store.tag(dst.ref_name(), find_image(store, args->first));
  });
});

}  // namespace
}  // namespace ocbuild::cli
