// Manifest and index <-> canonical JSON (OCI and Docker v2 schema 2 share the
// shape; the media type says which).
#include "json_model.h"
#include "ocbuild/core/image.h"

namespace ocbuild {
namespace {
using json_model::json;

json descriptors_to_json(const std::vector<Descriptor>& ds) {
  json a = json::array();
  for (const auto& d : ds) a.push_back(json_model::descriptor_to_json(d));
  return a;
}

std::vector<Descriptor> descriptors_from_json(const json& obj, const char* key, const std::string& what) {
  std::vector<Descriptor> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(ErrorCode::Parse, what + ": \"" + key + "\" must be an array");
  for (const auto& d : *it) out.push_back(json_model::descriptor_from_json(d, what));
  return out;
}

void check_schema_version(const json& j, const std::string& what) {
  int64_t v = json_model::get_int(j, "schemaVersion", what);
  if (v != 2) throw Error(ErrorCode::Parse, what + ": schemaVersion must be 2, got " + std::to_string(v));
}

void put_common(json& j, const std::string& media_type, const std::string& artifact_type,
                const std::optional<Descriptor>& subject, const std::map<std::string, std::string>& ann) {
  if (!media_type.empty()) j["mediaType"] = media_type;
  if (!artifact_type.empty()) j["artifactType"] = artifact_type;
  if (subject) j["subject"] = json_model::descriptor_to_json(*subject);
  if (!ann.empty()) j["annotations"] = ann;
}

std::optional<Descriptor> subject_from_json(const json& j, const std::string& what) {
  auto it = j.find("subject");
  if (it == j.end() || it->is_null()) return std::nullopt;
  return json_model::descriptor_from_json(*it, what);
}

}  // namespace

std::string to_json_bytes(const Manifest& m) {
  json j = json::object();
  j["schemaVersion"] = m.schema_version;
  j["config"] = json_model::descriptor_to_json(m.config);
  j["layers"] = descriptors_to_json(m.layers);
  put_common(j, m.media_type, m.artifact_type, m.subject, m.annotations);
  return json_model::canonical(j);
}

std::string to_json_bytes(const Index& idx) {
  json j = json::object();
  j["schemaVersion"] = idx.schema_version;
  j["manifests"] = descriptors_to_json(idx.manifests);
  put_common(j, idx.media_type, idx.artifact_type, idx.subject, idx.annotations);
  return json_model::canonical(j);
}

Manifest parse_manifest(std::string_view text, const std::string& what) {
  using namespace json_model;
  json j = parse_object(text, what);
  check_schema_version(j, what);
  Manifest m;
  m.media_type = get_string(j, "mediaType", what);
  if (!m.media_type.empty() && !is_manifest_media_type(m.media_type))
    throw Error(ErrorCode::Parse, what + ": not a manifest (mediaType " + m.media_type + ")");
  m.artifact_type = get_string(j, "artifactType", what);
  auto cfg = j.find("config");
  if (cfg == j.end()) throw Error(ErrorCode::Parse, what + ": manifest has no config");
  m.config = descriptor_from_json(*cfg, what);
  m.layers = descriptors_from_json(j, "layers", what);
  m.subject = subject_from_json(j, what);
  m.annotations = get_string_map(j, "annotations", what);
  return m;
}

Index parse_index(std::string_view text, const std::string& what) {
  using namespace json_model;
  json j = parse_object(text, what);
  check_schema_version(j, what);
  Index idx;
  idx.media_type = get_string(j, "mediaType", what);
  if (!idx.media_type.empty() && !is_index_media_type(idx.media_type))
    throw Error(ErrorCode::Parse, what + ": not an index (mediaType " + idx.media_type + ")");
  idx.artifact_type = get_string(j, "artifactType", what);
  idx.manifests = descriptors_from_json(j, "manifests", what);
  idx.subject = subject_from_json(j, what);
  idx.annotations = get_string_map(j, "annotations", what);
  return idx;
}

std::string sniff_media_type(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  auto it = j.find("mediaType");
  if (it != j.end() && it->is_string()) return it->get<std::string>();
  // An OCI manifest or index may omit mediaType: tell them apart by shape.
  if (j.contains("manifests")) return media_type::kOciIndex;
  if (j.contains("config") && j.contains("layers")) return media_type::kOciManifest;
  return {};
}

bool is_manifest_media_type(std::string_view mt) {
  return mt == media_type::kOciManifest || mt == media_type::kDockerManifest;
}

bool is_index_media_type(std::string_view mt) {
  return mt == media_type::kOciIndex || mt == media_type::kDockerManifestList;
}

}  // namespace ocbuild
