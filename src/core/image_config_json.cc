// Image config <-> canonical JSON. Field names and omitempty rules follow the
// OCI image-spec Go types (and Docker's for Healthcheck/Shell/OnBuild, which
// BuildKit writes with omitempty too). Keys this model does not know are kept
// verbatim in `unknown` and written back.
#include <set>

#include "json_model.h"
#include "ocbuild/core/image.h"

namespace ocbuild {
namespace {
using json_model::json;

const std::set<std::string> kKnownTop = {"created", "author", "architecture", "os", "os.version",
                                         "os.features", "variant", "config", "rootfs", "history"};
const std::set<std::string> kKnownConfig = {"User", "ExposedPorts", "Env", "Entrypoint", "Cmd",
                                            "Volumes", "WorkingDir", "Labels", "StopSignal",
                                            "Healthcheck", "Shell", "OnBuild", "ArgsEscaped"};

void keep_unknown(const json& obj, const std::set<std::string>& known, UnknownFields& out) {
  for (const auto& [k, v] : obj.items())
    if (!known.count(k)) out[k] = v.dump();
}

void put_unknown(const UnknownFields& unknown, json& obj) {
  for (const auto& [k, v] : unknown) {
    if (obj.contains(k)) continue;
    json value = json::parse(v, nullptr, false);
    if (value.is_discarded()) throw Error(ErrorCode::Invalid, "unknown config field \"" + k + "\" is not valid JSON");
    obj[k] = std::move(value);
  }
}

json set_to_object(const std::set<std::string>& keys) {
  json j = json::object();
  for (const auto& k : keys) j[k] = json::object();
  return j;
}

std::set<std::string> object_keys(const json& obj, const char* key, const std::string& what) {
  std::set<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) throw Error(ErrorCode::Parse, what + ": field \"" + key + "\" must be an object");
  for (const auto& [k, v] : it->items()) out.insert(k);
  return out;
}

json healthcheck_to_json(const Healthcheck& h) {
  json j = json::object();
  if (!h.test.empty()) j["Test"] = h.test;
  if (h.interval) j["Interval"] = h.interval;
  if (h.timeout) j["Timeout"] = h.timeout;
  if (h.start_period) j["StartPeriod"] = h.start_period;
  if (h.start_interval) j["StartInterval"] = h.start_interval;
  if (h.retries) j["Retries"] = h.retries;
  return j;
}

Healthcheck healthcheck_from_json(const json& j, const std::string& what) {
  if (!j.is_object()) throw Error(ErrorCode::Parse, what + ": Healthcheck must be an object");
  Healthcheck h;
  h.test = json_model::get_strings(j, "Test", what);
  h.interval = json_model::get_int(j, "Interval", what);
  h.timeout = json_model::get_int(j, "Timeout", what);
  h.start_period = json_model::get_int(j, "StartPeriod", what);
  h.start_interval = json_model::get_int(j, "StartInterval", what);
  h.retries = static_cast<int>(json_model::get_int(j, "Retries", what));
  return h;
}

json container_config_to_json(const ContainerConfig& c) {
  json j = json::object();
  if (!c.user.empty()) j["User"] = c.user;
  if (!c.exposed_ports.empty()) j["ExposedPorts"] = set_to_object(c.exposed_ports);
  if (!c.env.empty()) j["Env"] = c.env;
  if (!c.entrypoint.empty()) j["Entrypoint"] = c.entrypoint;
  if (!c.cmd.empty()) j["Cmd"] = c.cmd;
  if (!c.volumes.empty()) j["Volumes"] = set_to_object(c.volumes);
  if (!c.working_dir.empty()) j["WorkingDir"] = c.working_dir;
  if (!c.labels.empty()) j["Labels"] = c.labels;
  if (!c.stop_signal.empty()) j["StopSignal"] = c.stop_signal;
  if (c.healthcheck) j["Healthcheck"] = healthcheck_to_json(*c.healthcheck);
  if (!c.shell.empty()) j["Shell"] = c.shell;
  if (!c.on_build.empty()) j["OnBuild"] = c.on_build;
  if (c.args_escaped) j["ArgsEscaped"] = true;
  put_unknown(c.unknown, j);
  return j;
}

ContainerConfig container_config_from_json(const json& j, const std::string& what) {
  using namespace json_model;
  ContainerConfig c;
  c.user = get_string(j, "User", what);
  c.exposed_ports = object_keys(j, "ExposedPorts", what);
  c.env = get_strings(j, "Env", what);
  c.entrypoint = get_strings(j, "Entrypoint", what);
  c.cmd = get_strings(j, "Cmd", what);
  c.volumes = object_keys(j, "Volumes", what);
  c.working_dir = get_string(j, "WorkingDir", what);
  c.labels = get_string_map(j, "Labels", what);
  c.stop_signal = get_string(j, "StopSignal", what);
  if (auto it = j.find("Healthcheck"); it != j.end() && !it->is_null())
    c.healthcheck = healthcheck_from_json(*it, what);
  c.shell = get_strings(j, "Shell", what);
  c.on_build = get_strings(j, "OnBuild", what);
  c.args_escaped = get_bool(j, "ArgsEscaped", what);
  keep_unknown(j, kKnownConfig, c.unknown);
  return c;
}

json history_to_json(const HistoryEntry& h) {
  json j = json::object();
  if (!h.created.empty()) j["created"] = h.created;
  if (!h.created_by.empty()) j["created_by"] = h.created_by;
  if (!h.author.empty()) j["author"] = h.author;
  if (!h.comment.empty()) j["comment"] = h.comment;
  if (h.empty_layer) j["empty_layer"] = true;
  return j;
}

HistoryEntry history_from_json(const json& j, const std::string& what) {
  using namespace json_model;
  if (!j.is_object()) throw Error(ErrorCode::Parse, what + ": history entries must be objects");
  return HistoryEntry{get_string(j, "created", what), get_string(j, "created_by", what),
                      get_string(j, "author", what), get_string(j, "comment", what),
                      get_bool(j, "empty_layer", what)};
}

RootFs rootfs_from_json(const json& j, const std::string& what) {
  if (!j.is_object()) throw Error(ErrorCode::Parse, what + ": rootfs must be an object");
  RootFs r;
  r.type = json_model::get_string(j, "type", what);
  for (const auto& s : json_model::get_strings(j, "diff_ids", what)) {
    auto d = Digest::try_parse(s);
    if (!d) throw Error(ErrorCode::Parse, what + ": invalid diff_id \"" + s + "\"");
    r.diff_ids.push_back(*d);
  }
  return r;
}

}  // namespace

std::string to_json_bytes(const ImageConfig& c) {
  json j = json::object();
  if (!c.created.empty()) j["created"] = c.created;
  if (!c.author.empty()) j["author"] = c.author;
  j["architecture"] = c.architecture;
  j["os"] = c.os;
  if (!c.os_version.empty()) j["os.version"] = c.os_version;
  if (!c.os_features.empty()) j["os.features"] = c.os_features;
  if (!c.variant.empty()) j["variant"] = c.variant;
  j["config"] = container_config_to_json(c.config);
  json diff_ids = json::array();
  for (const auto& d : c.rootfs.diff_ids) diff_ids.push_back(d.str());
  j["rootfs"] = json{{"type", c.rootfs.type}, {"diff_ids", diff_ids}};
  if (!c.history.empty()) {
    json h = json::array();
    for (const auto& e : c.history) h.push_back(history_to_json(e));
    j["history"] = h;
  }
  put_unknown(c.unknown, j);
  return json_model::canonical(j);
}

ImageConfig parse_image_config(std::string_view text, const std::string& what) {
  using namespace json_model;
  json j = parse_object(text, what);
  ImageConfig c;
  c.created = get_string(j, "created", what);
  c.author = get_string(j, "author", what);
  c.architecture = get_string(j, "architecture", what);
  c.os = get_string(j, "os", what);
  c.os_version = get_string(j, "os.version", what);
  c.os_features = get_strings(j, "os.features", what);
  c.variant = get_string(j, "variant", what);
  if (auto it = j.find("config"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw Error(ErrorCode::Parse, what + ": \"config\" must be an object");
    c.config = container_config_from_json(*it, what);
  }
  if (auto it = j.find("rootfs"); it != j.end() && !it->is_null()) c.rootfs = rootfs_from_json(*it, what);
  if (auto it = j.find("history"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) throw Error(ErrorCode::Parse, what + ": \"history\" must be an array");
    for (const auto& e : *it) c.history.push_back(history_from_json(e, what));
  }
  keep_unknown(j, kKnownTop, c.unknown);
  return c;
}

}  // namespace ocbuild
