#include "cli/build_metadata.h"

#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/image.h"

namespace ocbuild::cli {

std::string metadata_json(const BuildMetadata& m) {
  nlohmann::json j = nlohmann::json::object();
  j["containerimage.digest"] = m.manifest.digest.str();
  j["containerimage.config.digest"] = m.config.str();
  j["containerimage.descriptor"] = nlohmann::json::parse(to_json_bytes(m.manifest));
  if (!m.names.empty()) {
    std::string joined;
    for (const auto& n : m.names) joined += (joined.empty() ? "" : ",") + n;
    j["image.name"] = joined;
  }
  if (!m.pushed.empty()) {
    j["containerimage.pushed.digest"] = m.pushed.front().second;
    nlohmann::json each = nlohmann::json::object();
    for (const auto& [ref, digest] : m.pushed) each[ref] = digest;
    j["containerimage.pushed"] = each;
  }
  return j.dump(2) + "\n";
}

void write_metadata_file(const std::string& path, const BuildMetadata& m) { write_file_atomic(path, metadata_json(m)); }

}  // namespace ocbuild::cli
