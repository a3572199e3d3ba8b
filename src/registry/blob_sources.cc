// Format of ROOT/registry-sources.json, version 1:
//   {"version":1,"blobs":{"sha256:<hex>":["<domain>/<repository>", ...]}}
// Any other version, or a file that does not parse, is treated as empty and
// rewritten from scratch on the next record.
#include "registry/blob_sources.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"

namespace ocbuild::registry {
namespace {

constexpr int kVersion = 1;
constexpr size_t kMaxSourcesPerBlob = 8;

std::string sources_path(const std::string& root) { return root + "/registry-sources.json"; }

nlohmann::json load(const std::string& root) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(sources_path(root)), nullptr, false);
  } catch (const Error&) {
    return nlohmann::json::object();
  }
  if (!j.is_object() || j.value("version", 0) != kVersion || !j.contains("blobs") || !j["blobs"].is_object())
    return nlohmann::json::object();
  return j;
}

}  // namespace

void record_blob_sources(const std::string& root, const std::string& domain, const std::string& repository,
                         const std::vector<Digest>& digests) {
  FileLock lock(root + "/registry-sources.lock");
  nlohmann::json j = load(root);
  if (j.empty()) j = {{"version", kVersion}, {"blobs", nlohmann::json::object()}};
  std::string source = domain + "/" + repository;
  for (const auto& d : digests) {
    auto& list = j["blobs"][d.str()];
    if (!list.is_array()) list = nlohmann::json::array();
    auto it = std::find(list.begin(), list.end(), source);
    if (it != list.end()) list.erase(it);
    list.insert(list.begin(), source);  // most recent first
    if (list.size() > kMaxSourcesPerBlob) list.erase(list.begin() + kMaxSourcesPerBlob, list.end());
  }
  write_file_atomic(sources_path(root), j.dump());
}

std::optional<std::string> find_blob_source(const std::string& root, const Digest& digest, const std::string& domain,
                                            const std::string& except_repository) {
  nlohmann::json j = load(root);
  if (j.empty() || !j["blobs"].contains(digest.str())) return std::nullopt;
  std::string prefix = domain + "/";
  for (const auto& s : j["blobs"][digest.str()]) {
    if (!s.is_string()) continue;
    std::string text = s.get<std::string>();
    if (text.rfind(prefix, 0) != 0) continue;
    std::string repo = text.substr(prefix.size());
    if (!repo.empty() && repo != except_repository) return repo;
  }
  return std::nullopt;
}

}  // namespace ocbuild::registry
