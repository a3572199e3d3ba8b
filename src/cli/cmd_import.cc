// `ocbuild import DIR -t NAME[:TAG]`: a directory as a one-layer image.
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/layer_flags.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_ref.h"
#include "ocbuild/export/rootfs_import.h"

namespace ocbuild::cli {
namespace {

struct ImportArgs {
  std::string dir;
  std::vector<std::string> tags;
  LayerFlags layer;
  exporter::ImportOptions options;
};

void run_import(ImportArgs& args, const GlobalOptions& g) {
  args.options.layer = args.layer.to_options();
  ContentStore store(g.store_root());
  Descriptor manifest = exporter::import_rootfs(store, args.dir, args.options);
  for (const auto& t : args.tags) store.tag(parse_tag_ref(t).ref_name(), manifest);
  std::cout << manifest.digest.str() << "\n";
}

RegisterCommand reg("import", [](CLI::App& app, GlobalOptions& g) {
  auto args = std::make_shared<ImportArgs>();
  auto* sub = app.add_subcommand("import", "import a directory as a one-layer image");
  sub->add_option("dir", args->dir, "root file system directory")->required()->check(CLI::ExistingDirectory);
  sub->add_option("-t,--tag", args->tags, "name[:tag] to give the image");
  sub->add_option("--env", args->options.env, "KEY=value for the image config (repeatable)");
  sub->add_option("--cmd", args->options.cmd, "the image's CMD, exec form (repeatable words)");
  sub->add_option("--workdir", args->options.working_dir, "the image's WORKDIR");
  sub->add_option("--user", args->options.user, "the image's USER");
  args->layer.add_to(*sub);
  sub->callback([args, &g] { run_import(*args, g); });
});

}  // namespace
}  // namespace ocbuild::cli
