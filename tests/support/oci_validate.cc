#include "support/oci_validate.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace ocbuild::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string blob(const std::string& dir, const std::string& digest) {
  return dir + "/blobs/sha256/" + digest.substr(digest.find(':') + 1);
}

struct LayoutDocs {
  std::vector<std::string> manifests, indexes, configs;
};

// Walks descriptors from index.json, collecting each document by kind.
void walk(const std::string& dir, const nlohmann::json& desc, LayoutDocs& docs, std::string& errors) {
  std::string mt = desc.value("mediaType", "");
  std::string path = blob(dir, desc.value("digest", ""));
  bool is_index = mt == "application/vnd.oci.image.index.v1+json";
  bool is_manifest = mt == "application/vnd.oci.image.manifest.v1+json";
  if (!is_index && !is_manifest) return;
  (is_index ? docs.indexes : docs.manifests).push_back(path);
  auto doc = nlohmann::json::parse(slurp(path), nullptr, false);
  if (doc.is_discarded()) {
    errors += path + ": not JSON\n";
    return;
  }
  if (is_index) {
    for (const auto& m : doc["manifests"]) walk(dir, m, docs, errors);
    return;
  }
  if (doc["config"].value("mediaType", "") == "application/vnd.oci.image.config.v1+json")
    docs.configs.push_back(blob(dir, doc["config"].value("digest", "")));
}

}  // namespace

std::optional<std::string> oci_schema_dir() {
  static const std::optional<std::string> dir = []() -> std::optional<std::string> {
    auto conf = conformance_dir();
    if (!conf) return std::nullopt;
    if (run_command("python3 -c 'import jsonschema, referencing'").status != 0) return std::nullopt;
    return *conf + "/oci-schema";
  }();
  return dir;
}

CommandResult validate_oci(const std::string& kind, const std::vector<std::string>& files) {
  auto dir = oci_schema_dir();
  if (!dir) return {2, "no OCI schema dir"};
  std::string cmd = "python3 " + source_dir() + "/tests/tools/validate_oci.py --schema-dir " + *dir + " check " + kind;
  for (const auto& f : files) cmd += " '" + f + "'";
  return run_command(cmd);
}

std::string validate_oci_layout(const std::string& dir) {
  std::string errors;
  auto r = validate_oci("layout", {dir + "/oci-layout"});
  if (r.status != 0) errors += r.output;
  r = validate_oci("index", {dir + "/index.json"});
  if (r.status != 0) errors += r.output;
  auto idx = nlohmann::json::parse(slurp(dir + "/index.json"), nullptr, false);
  if (idx.is_discarded()) return errors + dir + "/index.json: not JSON\n";
  LayoutDocs docs;
  for (const auto& m : idx["manifests"]) walk(dir, m, docs, errors);
  for (const auto& [kind, files] : {std::pair{"manifest", &docs.manifests}, {"index", &docs.indexes},
                                    {"config", &docs.configs}}) {
    if (files->empty()) continue;
    r = validate_oci(kind, *files);
    if (r.status != 0) errors += r.output;
  }
  return errors;
}

}  // namespace ocbuild::testing
