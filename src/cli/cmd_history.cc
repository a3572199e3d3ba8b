// `ocbuild history IMAGE [--no-trunc]`: the config's history, newest first,
// with the size of the layer each non-empty step produced.
#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"

namespace ocbuild::cli {
namespace {

struct HistoryOptions {
  std::string image;
  bool no_trunc = false;
};

void run(const HistoryOptions& o, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  StoredImage img = read_image(store, select_manifest(store, find_image(store, o.image)));
  std::vector<std::vector<std::string>> rows;
  size_t layer = 0;
  for (const auto& h : img.config.history) {
    std::string size = "0B";
    if (!h.empty_layer && layer < img.manifest.layers.size()) size = human_size(img.manifest.layers[layer++].size);
    std::string by = h.created_by;
    if (!o.no_trunc && by.size() > 45) by = by.substr(0, 44) + "…";
    rows.push_back({h.created.empty() ? "<missing>" : h.created, by, size, h.comment});
  }
  std::vector<std::vector<std::string>> table{{"CREATED", "CREATED BY", "SIZE", "COMMENT"}};
  table.insert(table.end(), rows.rbegin(), rows.rend());
  print_table(std::cout, table);
}

RegisterCommand reg("history", [](CLI::App& app, GlobalOptions& g) {
  auto opts = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand("history", "show the history of an image");
  sub->add_option("image", opts->image, "image reference")->required();
  sub->add_flag("--no-trunc", opts->no_trunc, "do not truncate CREATED BY");
  sub->callback([opts, &g] { run(*opts, g); });
});

}  // namespace
}  // namespace ocbuild::cli
