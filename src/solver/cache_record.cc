// Cache record formats (JSON, one object per file).
//
// Result record, <root>/cache/records/<hex[0:2]>/<hex>.json:
//   {"version": "ocbuild-cache-record-v1", "key": "sha256:...",
//    "layer": null | {"mediaType","digest","size","annotations"?,"diffID","uncompressedSize"},
//    "config": "<image config state, JSON text>", "created": <unix seconds>,
//    "fields": [[name, value], ...]}
// Last-build record, <root>/cache/builds/<hash of BuildId>.json:
//   {"version": "ocbuild-last-build-v2",
//    "steps": [{"name","slot","key","fields": [[n, v]...], "files": [[path, digest or "", meta]...]}]}
// Any other version is "start over": the record reads as absent.
#include <nlohmann/json.hpp>

#include "ocbuild/solver/cache_store.h"

namespace ocbuild::solver {
namespace {

using nlohmann::json;
constexpr const char* kResultVersion = "ocbuild-cache-record-v1";
constexpr const char* kLastBuildVersion = "ocbuild-last-build-v2";

json fields_json(const std::vector<KeyField>& fields) {
  json a = json::array();
  for (const auto& f : fields) a.push_back({f.name, f.value});
  return a;
}

std::vector<KeyField> fields_from(const json& a) {
  std::vector<KeyField> out;
  for (const auto& f : a.at("fields")) out.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
  return out;
}

json layer_json(const exporter::Layer& l) {
  json j = {{"mediaType", l.blob.media_type}, {"digest", l.blob.digest.str()}, {"size", l.blob.size},
            {"diffID", l.diff_id.str()},      {"uncompressedSize", l.uncompressed_size}};
  if (!l.blob.annotations.empty()) j["annotations"] = l.blob.annotations;
  return j;
}

exporter::Layer layer_from(const json& j) {
  exporter::Layer l;
  l.blob.media_type = j.at("mediaType").get<std::string>();
  l.blob.digest = Digest::parse(j.at("digest").get<std::string>());
  l.blob.size = j.at("size").get<int64_t>();
  if (j.contains("annotations")) l.blob.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
  l.diff_id = Digest::parse(j.at("diffID").get<std::string>());
  l.uncompressed_size = j.at("uncompressedSize").get<int64_t>();
  return l;
}

}  // namespace

std::string encode_result(const Digest& key, const CacheResult& r) {
  json j = {{"version", kResultVersion}, {"key", key.str()}, {"config", r.config_json},
            {"created", r.created},      {"fields", fields_json(r.fields)}};
  j["layer"] = r.layer ? layer_json(*r.layer) : json(nullptr);
  return j.dump(1) + "\n";
}

std::optional<CacheResult> decode_result(const Digest& key, const std::string& text) {
  try {
    json j = json::parse(text);
    if (j.at("version") != kResultVersion || j.at("key") != key.str()) return std::nullopt;
    CacheResult r;
    if (!j.at("layer").is_null()) r.layer = layer_from(j.at("layer"));
    r.config_json = j.at("config").get<std::string>();
    r.created = j.at("created").get<int64_t>();
    r.fields = fields_from(j);
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // corrupt or truncated: a miss
  }
}

std::string encode_last_build(const LastBuild& build) {
  json steps = json::array();
  for (const auto& s : build.steps) {
    json files = json::array();
    for (const auto& f : s.files) files.push_back({f.path, f.digest.empty() ? "" : f.digest.str(), f.meta});
    steps.push_back({{"name", s.name}, {"slot", s.slot}, {"key", s.key.str()}, {"fields", fields_json(s.fields)}, {"files", files}});
  }
  return json{{"version", kLastBuildVersion}, {"steps", steps}}.dump(1) + "\n";
}

std::optional<LastBuild> decode_last_build(const std::string& text) {
  try {
    json j = json::parse(text);
    if (j.at("version") != kLastBuildVersion) return std::nullopt;
    LastBuild b;
    for (const auto& s : j.at("steps")) {
      StepRecord r{s.at("name").get<std::string>(), Digest::parse(s.at("key").get<std::string>()), fields_from(s), {}, s.at("slot").get<std::string>()};
      for (const auto& f : s.at("files")) {
        std::string digest = f.at(1).get<std::string>();
        r.files.push_back({f.at(0).get<std::string>(), digest.empty() ? Digest() : Digest::parse(digest),
                           f.at(2).get<std::string>()});
      }
      b.steps.push_back(std::move(r));
    }
    return b;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace ocbuild::solver
