// Authorization for one registry host. Tokens are cached per scope set, so a
// pull of fifty blobs fetches one token; credentials are loaded once, lazily,
// and never written into an Error.
#include "registry/session.h"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"
#include "registry/http_error.h"

namespace ocbuild::registry {
namespace {

std::string join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(1, sep)) + s;
  return out;
}

std::string url_escape(const std::string& s) {
  char* e = curl_escape(s.c_str(), static_cast<int>(s.size()));
  std::string out(e ? e : "");
  curl_free(e);
  return out;
}

std::string api_host(const std::string& host) { return host == "docker.io" ? "registry-1.docker.io" : host; }

}  // namespace

Session::Session(std::string host, SessionOptions options)
    : host_(std::move(host)),
      base_url_(registry_base_url(api_host(host_), options.transport)),
      transport_(options.transport),
      options_(std::move(options)) {}

std::optional<Credentials> Session::credentials() {
  // Called with mu_ held.
  if (!creds_loaded_) {
    creds_ = options_.credentials;
    if (!creds_ && options_.use_credential_store) creds_ = lookup_credentials(host_);
    creds_loaded_ = true;
  }
  return creds_;
}

bool Session::has_credentials() {
  std::lock_guard lock(mu_);
  return credentials().has_value();
}

HttpResponse Session::send_raw(const HttpRequest& r, const std::string& subject) const {
  try {
    return transport_.send(r);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Net) throw;
    std::string detail = e.message();
    if (auto p = detail.find(": "); detail.rfind("cannot reach ", 0) == 0 && p != std::string::npos)
      detail = detail.substr(p + 2);
    throw Error(ErrorCode::Net, subject + ": registry " + host_ + " unreachable: " + detail +
                                    " (is it running and is the address right?)");
  }
}

std::optional<std::string> Session::cached_authorization(const std::string& key) {
  std::lock_guard lock(mu_);
  if (basic_) return basic_;
  auto it = tokens_.find(key);
  if (it == tokens_.end() || it->second.expires <= std::chrono::steady_clock::now()) return std::nullopt;
  return "Bearer " + it->second.value;
}

HttpResponse Session::send(HttpRequest request, const std::vector<std::string>& scopes, const std::string& subject) {
  std::string key = join(scopes, ' ');
  request.authorization = cached_authorization(key);
  HttpResponse resp = send_raw(request, subject);
  if (resp.status != 401) return resp;
  auto auth = authorize(resp, scopes, key, subject);
  if (!auth) return resp;
  request.authorization = auth;
  return send_raw(request, subject);
}

std::optional<std::string> Session::authorize(const HttpResponse& resp, const std::vector<std::string>& scopes,
                                              const std::string& key, const std::string& subject) {
  std::vector<Challenge> challenges;
  for (const auto& v : resp.header_values("www-authenticate")) {
    auto more = parse_www_authenticate(v);
    challenges.insert(challenges.end(), more.begin(), more.end());
  }
  for (const auto& c : challenges) {
    if (c.scheme != "bearer" || !c.param("realm")) continue;
    return "Bearer " + fetch_token(c, scopes, subject);
  }
  for (const auto& c : challenges) {
    if (c.scheme != "basic") continue;
    std::lock_guard lock(mu_);
    auto creds = credentials();
    if (!creds) return std::nullopt;  // the caller reports the 401
    basic_ = "Basic " + base64_encode(creds->username + ":" + creds->password);
    return basic_;
  }
  return std::nullopt;
}

std::string Session::fetch_token(const Challenge& c, const std::vector<std::string>& scopes, const std::string& subject) {
  std::string url = *c.param("realm");
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (auto service = c.param("service")) {
    url += sep + std::string("service=") + url_escape(*service);
    sep = '&';
  }
  std::vector<std::string> wanted = scopes;
  if (wanted.empty() && c.param("scope")) wanted.push_back(*c.param("scope"));
  for (const auto& s : wanted) {
    url += sep + std::string("scope=") + url_escape(s);
    sep = '&';
  }
  HttpRequest r;
  r.url = url;
  std::optional<Credentials> creds;
  {
    std::lock_guard lock(mu_);
    creds = credentials();
  }
  if (creds) r.authorization = "Basic " + base64_encode(creds->username + ":" + creds->password);
  HttpResponse resp = send_raw(r, subject);
  ++token_fetches;
  if (resp.status != 200) throw_http_error(subject, host_, "get a token from " + url_host(url), resp, creds.has_value());
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  std::string token;
  if (j.is_object() && j.contains("token") && j["token"].is_string()) token = j["token"];
  else if (j.is_object() && j.contains("access_token") && j["access_token"].is_string()) token = j["access_token"];
  if (token.empty()) throw Error(ErrorCode::Registry, subject + ": the token server " + url_host(url) + " sent no token");
  int64_t ttl = j.contains("expires_in") && j["expires_in"].is_number_integer() ? j["expires_in"].get<int64_t>() : 60;
  std::lock_guard lock(mu_);
  // Refresh a little early so a token never expires mid-request.
  tokens_[join(scopes, ' ')] = {token, std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(ttl - 10, 10))};
  return token;
}

}  // namespace ocbuild::registry
