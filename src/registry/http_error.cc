#include "registry/http_error.h"

#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {

std::string registry_error_detail(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {  // OAuth2 (RFC 6749 5.2)
    std::string code = j["error"], desc = j.value("error_description", "");
    return desc.empty() ? code : code + ": " + desc;
  }
  if (!j.is_object() || !j.contains("errors") || !j["errors"].is_array()) return "";
  std::string out;
  for (const auto& e : j["errors"]) {
    if (!e.is_object()) continue;
    std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
    std::string msg = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    if (!out.empty()) out += "; ";
    out += code.empty() ? msg : msg.empty() ? code : code + ": " + msg;
  }
  return out;
}

void throw_http_error(const std::string& subject, const std::string& host, const std::string& action,
                      const HttpResponse& response, bool had_credentials) {
  std::string detail = registry_error_detail(response.body);
  std::string said = detail.empty() ? "" : " (registry said: " + detail + ")";
  std::string head = subject + ": ";
  switch (response.status) {
    case 401:
      if (had_credentials)
        throw Error(ErrorCode::Registry, head + "unauthorized: the credentials for " + host +
                                             " were rejected; check them and run `ocbuild login " + host + "`" + said);
      throw Error(ErrorCode::Registry, head + "unauthorized: run `ocbuild login " + host + "`" + said);
    case 403:
      throw Error(ErrorCode::Registry, head + "denied: no permission to " + action + "; check your access to the repository" + said);
    case 404:
      throw Error(ErrorCode::Registry, head + "not found: " + action + " failed; check the name, tag or digest" + said);
    case 415:
      throw Error(ErrorCode::Registry, head + "unsupported media type: the registry refused to " + action + said);
    default:
      break;
  }
  if (detail.find("MANIFEST_INVALID") != std::string::npos || detail.find("UNSUPPORTED") != std::string::npos)
    throw Error(ErrorCode::Registry, head + "unsupported or invalid manifest: the registry refused to " + action + said);
  throw Error(ErrorCode::Registry, head + action + " failed: HTTP " + std::to_string(response.status) + " from " + host + said);
}

}  // namespace ocbuild::registry
