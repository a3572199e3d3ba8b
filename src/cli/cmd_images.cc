// `ocbuild images [--format table|json]`: the tagged images of the store.
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/command.h"
#include "cli/table.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild::cli {
namespace {

struct Row {
  std::string repository, tag, digest;
  int64_t size = 0;
};

// The size of this machine's image under the tag; an index with no entry
// for this machine is still listed, with the index's own size.
int64_t listed_size(const ContentStore& store, const Descriptor& tagged) {
  try {
    Descriptor m = select_manifest(store, tagged);
    int64_t size = read_image(store, m).total_size();
    if (m.digest != tagged.digest) size += tagged.size;  // the index itself
    return size;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
    return tagged.size;
  }
}

std::vector<Row> collect(const ContentStore& store) {
  std::vector<Row> rows;
  for (const auto& t : store.list_tags()) {
    ImageRef ref = parse_tag_ref(t.ref_name);
    rows.push_back({ref.name, ref.tag, t.descriptor.digest.str(), listed_size(store, t.descriptor)});
  }
  return rows;
}

void run(const std::string& format, const GlobalOptions& g) {
  ContentStore store(g.store_root());
  std::vector<Row> rows = collect(store);
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows)
      out.push_back({{"repository", r.repository}, {"tag", r.tag}, {"digest", r.digest}, {"size", r.size}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> table{{"REPOSITORY", "TAG", "DIGEST", "SIZE"}};
  for (const auto& r : rows) table.push_back({r.repository, r.tag, r.digest, human_size(r.size)});
  print_table(std::cout, table);
}

RegisterCommand reg("images", [](CLI::App& app, GlobalOptions& g) {
  auto format = std::make_shared<std::string>("table");
  auto* sub = app.add_subcommand("images", "list tagged images");
  sub->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  sub->callback([format, &g] { run(*format, g); });
});

}  // namespace
}  // namespace ocbuild::cli
