// JSON for descriptors and platforms, plus the typed field readers that every
// model parser uses so a wrong type is reported with the field's name.
#include "json_model.h"

#include "ocbuild/core/image.h"

namespace ocbuild::json_model {

namespace {
Error type_error(const std::string& what, const char* key, const char* expected) {
  return Error(ErrorCode::Parse, what + ": field \"" + key + "\" must be " + expected);
}
}  // namespace

std::string canonical(const json& j) {
  try {
    return j.dump();
  } catch (const json::exception& e) {
    throw Error(ErrorCode::Invalid, std::string("cannot serialize image metadata: ") + e.what());
  }
}

json parse_object(std::string_view text, const std::string& what) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::Parse, what + ": not valid JSON");
  if (!j.is_object()) throw Error(ErrorCode::Parse, what + ": expected a JSON object");
  return j;
}

std::string get_string(const json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw type_error(what, key, "a string");
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_array()) throw type_error(what, key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) throw type_error(what, key, "an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> get_string_map(const json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_object()) throw type_error(what, key, "an object of strings");
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) throw type_error(what, key, "an object of strings");
    out[k] = v.get<std::string>();
  }
  return out;
}

int64_t get_int(const json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) throw type_error(what, key, "an integer");
  return it->get<int64_t>();
}

bool get_bool(const json& obj, const char* key, const std::string& what) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw type_error(what, key, "a boolean");
  return it->get<bool>();
}

json platform_to_json(const Platform& p) {
  json j = json::object();
  j["architecture"] = p.architecture;
  j["os"] = p.os;
  if (!p.os_version.empty()) j["os.version"] = p.os_version;
  if (!p.os_features.empty()) j["os.features"] = p.os_features;
  if (!p.variant.empty()) j["variant"] = p.variant;
  return j;
}

Platform platform_from_json(const json& obj, const std::string& what) {
  if (!obj.is_object()) throw Error(ErrorCode::Parse, what + ": platform must be an object");
  Platform p;
  p.architecture = get_string(obj, "architecture", what);
  p.os = get_string(obj, "os", what);
  p.os_version = get_string(obj, "os.version", what);
  p.os_features = get_strings(obj, "os.features", what);
  p.variant = get_string(obj, "variant", what);
  return p;
}

json descriptor_to_json(const Descriptor& d) {
  json j = json::object();
  j["mediaType"] = d.media_type;
  j["digest"] = d.digest.str();
  j["size"] = d.size;
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) j["platform"] = platform_to_json(*d.platform);
  return j;
}

Descriptor descriptor_from_json(const json& obj, const std::string& what) {
  if (!obj.is_object()) throw Error(ErrorCode::Parse, what + ": descriptor must be an object");
  Descriptor d;
  d.media_type = get_string(obj, "mediaType", what);
  std::string digest = get_string(obj, "digest", what);
  auto parsed = Digest::try_parse(digest);
  if (!parsed) throw Error(ErrorCode::Parse, what + ": invalid digest \"" + digest + "\"");
  d.digest = *parsed;
  d.size = get_int(obj, "size", what);
  if (d.size < 0) throw Error(ErrorCode::Parse, what + ": negative size");
  d.urls = get_strings(obj, "urls", what);
  d.annotations = get_string_map(obj, "annotations", what);
  if (auto it = obj.find("platform"); it != obj.end() && !it->is_null())
    d.platform = platform_from_json(*it, what);
  return d;
}

}  // namespace ocbuild::json_model

namespace ocbuild {

std::string to_json_bytes(const Descriptor& d) { return json_model::canonical(json_model::descriptor_to_json(d)); }
std::string to_json_bytes(const Platform& p) { return json_model::canonical(json_model::platform_to_json(p)); }

Descriptor parse_descriptor(std::string_view text, const std::string& what) {
  return json_model::descriptor_from_json(json_model::parse_object(text, what), what);
}

Platform parse_platform(std::string_view text, const std::string& what) {
  return json_model::platform_from_json(json_model::parse_object(text, what), what);
}

}  // namespace ocbuild
