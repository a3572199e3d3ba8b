// Credential lookup and storage in docker's config.json and the containers
// auth.json. File format: docker's config.json ({"auths": {KEY: {"auth":
// base64("user:password")}}, "credsStore", "credHelpers"}); we only ever
// rewrite `auths` and keep every other field as it was.
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/registry/auth.h"
#include "registry/credential_helper.h"

namespace ocbuild::registry {
namespace {

constexpr const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr const char* kDockerHubKey = "https://index.docker.io/v1/";

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "https://host/v1/" -> "host": config keys come in several spellings.
std::string normalize_key(std::string key) {
  if (auto p = key.find("://"); p != std::string::npos) key = key.substr(p + 3);
  if (auto p = key.find('/'); p != std::string::npos) key = key.substr(0, p);
  if (key == "index.docker.io" || key == "registry-1.docker.io") key = "docker.io";
  return key;
}

std::optional<nlohmann::json> load_json(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::string text = read_file(path);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error(ErrorCode::Invalid, path + ": not a valid JSON object");
  return j;
}

std::optional<Credentials> from_auths(const nlohmann::json& j, std::string_view host, const std::string& path) {
  if (!j.contains("auths") || !j["auths"].is_object()) return std::nullopt;
  for (const auto& [key, entry] : j["auths"].items()) {
    if (normalize_key(key) != normalize_key(std::string(host)) || !entry.is_object()) continue;
    if (entry.contains("identitytoken") && entry["identitytoken"].is_string())
      return Credentials{Credentials::kIdentityTokenUser, entry["identitytoken"].get<std::string>()};
    if (!entry.contains("auth") || !entry["auth"].is_string()) continue;
    auto decoded = base64_decode(entry["auth"].get<std::string>());
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      throw Error(ErrorCode::Invalid, path + ": auths." + key + ".auth is not base64 of user:password");
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  return std::nullopt;
}

std::optional<std::string> helper_for(const nlohmann::json& j, std::string_view host) {
  if (j.contains("credHelpers") && j["credHelpers"].is_object())
    for (const auto& [key, name] : j["credHelpers"].items())
      if (normalize_key(key) == normalize_key(std::string(host)) && name.is_string()) return name.get<std::string>();
  if (j.contains("credsStore") && j["credsStore"].is_string() && !j["credsStore"].get<std::string>().empty())
    return j["credsStore"].get<std::string>();
  return std::nullopt;
}

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  uint32_t val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kB64[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kB64[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  uint32_t val = 0;
  int bits = -8;
  for (char c : in) {
    if (c == '=') break;
    if (c == '\n' || c == '\r') continue;
    const char* p = std::strchr(kB64, c);
    if (!p || c == 0) return std::nullopt;
    val = (val << 6) + static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string config_key_for(std::string_view host) {
  return normalize_key(std::string(host)) == "docker.io" ? kDockerHubKey : std::string(host);
}

std::string docker_config_path() {
  std::string dir = env_or_empty("DOCKER_CONFIG");
  if (dir.empty()) dir = env_or_empty("HOME") + "/.docker";
  return dir + "/config.json";
}

std::optional<std::string> containers_auth_path() {
  std::string file = env_or_empty("REGISTRY_AUTH_FILE");
  if (!file.empty()) return file;
  std::string run = env_or_empty("XDG_RUNTIME_DIR");
  if (!run.empty()) return run + "/containers/auth.json";
  return std::nullopt;
}

std::optional<Credentials> lookup_credentials(std::string_view host) {
  std::string docker = docker_config_path();
  if (auto j = load_json(docker)) {
    if (auto helper = helper_for(*j, host)) {
      if (auto c = run_credential_helper(*helper, config_key_for(host))) return c;
    }
    if (auto c = from_auths(*j, host, docker)) return c;
  }
  if (auto path = containers_auth_path()) {
    if (auto j = load_json(*path)) return from_auths(*j, host, *path);
  }
  return std::nullopt;
}

namespace {

void save_config(const std::string& path, const nlohmann::json& j) {
  make_dirs(std::filesystem::path(path).parent_path().string());
  write_file_atomic(path, j.dump(1, '\t') + "\n", 0600);
}

// Removes every spelling of the host's key; true when one was there.
bool drop_keys(nlohmann::json& auths, std::string_view host) {
  bool found = false;
  for (auto it = auths.begin(); it != auths.end();) {
    if (normalize_key(it.key()) == normalize_key(std::string(host))) {
      it = auths.erase(it);
      found = true;
    } else {
      ++it;
    }
  }
  return found;
}

}  // namespace

void store_credentials(std::string_view host, const Credentials& creds) {
  std::string path = docker_config_path();
  nlohmann::json j = load_json(path).value_or(nlohmann::json::object());
  if (!j.contains("auths") || !j["auths"].is_object()) j["auths"] = nlohmann::json::object();
  drop_keys(j["auths"], host);
  j["auths"][config_key_for(host)] = {{"auth", base64_encode(creds.username + ":" + creds.password)}};
  save_config(path, j);
}

bool erase_credentials(std::string_view host) {
  std::string path = docker_config_path();
  auto j = load_json(path);
  if (!j || !j->contains("auths") || !(*j)["auths"].is_object()) return false;
  if (!drop_keys((*j)["auths"], host)) return false;
  save_config(path, *j);
  return true;
}

}  // namespace ocbuild::registry
