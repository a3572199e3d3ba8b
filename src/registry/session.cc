// Authorization for one registry host. Tokens are cached per scope set, so a
// pull of fifty blobs fetches one token; credentials are loaded once, lazily,
// and never written into an Error.
#include "registry/session.h"

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

// Percent-encodes all but RFC 3986's unreserved characters, as curl_escape
// does (libcurl is only loaded for a request: see curl_api.h).
std::string url_escape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) out += char(c);
    else out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

std::string api_host(const std::string& host) { return host == "docker.io" ? "registry-1.docker.io" : host; }

}  // namespace

Session::Session(std::string host, SessionOptions options)
    : host_(std::move(host)),
      base_url_(registry_base_url(api_host(host_), options.transport)),
      transport_(options.transport),
      plain_fallback_(base_url_.rfind("https://", 0) == 0 && plain_http_allowed(api_host(host_), options.transport)),
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

HttpResponse Session::send_https_then_http(HttpRequest r) const {
  if (!plain_fallback_ || r.url.rfind(base_url_, 0) != 0) return transport_.send(r);
  if (!plain_) {
    try {
      return transport_.send(r);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Net) throw;
      plain_ = true;
    }
  }
  r.url = "http://" + r.url.substr(8);
  return transport_.send(r);
}

HttpResponse Session::send_raw(const HttpRequest& r, const std::string& subject) const {
  try {
    return send_https_then_http(r);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Net) throw;
    // "cannot reach HOST: why" -> "SUBJECT: registry HOST unreachable: why";
    // HOST may be the token realm's rather than the registry's.
    const std::string& m = e.message();
    size_t p = m.find(": ");
    if (m.rfind("cannot reach ", 0) == 0 && p != std::string::npos)
      throw Error(ErrorCode::Net, subject + ": registry " + m.substr(13, p - 13) + " unreachable: " + m.substr(p + 2));
    throw Error(ErrorCode::Net, subject + ": " + m);  // a TLS failure says what to do itself
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

namespace {

// Query or form fields for a token request: service, then the scopes.
std::string token_query(const Challenge& c, const std::vector<std::string>& scopes, bool joined_scope) {
  std::string q;
  auto add = [&](const std::string& k, const std::string& v) { q += (q.empty() ? "" : "&") + k + "=" + url_escape(v); };
  if (auto service = c.param("service")) add("service", *service);
  std::vector<std::string> wanted = scopes;
  if (wanted.empty() && c.param("scope")) wanted.push_back(*c.param("scope"));
  if (joined_scope && !wanted.empty()) add("scope", join(wanted, ' '));  // OAuth2: one space-separated field
  if (!joined_scope)
    for (const auto& s : wanted) add("scope", s);
  return q;
}

// GET realm?service=..&scope=.. with Basic credentials (docker's token flow).
HttpRequest basic_token_request(const Challenge& c, const std::vector<std::string>& scopes,
                                const std::optional<Credentials>& creds) {
  HttpRequest r;
  r.url = *c.param("realm");
  std::string q = token_query(c, scopes, false);
  if (!q.empty()) r.url += (r.url.find('?') == std::string::npos ? "?" : "&") + q;
  if (creds) r.authorization = "Basic " + base64_encode(creds->username + ":" + creds->password);
  return r;
}

// POST to the realm exchanging an identity token as an OAuth2 refresh token,
// as distribution and containerd do; the token goes in the body, never in
// the URL, so no access log sees it.
HttpRequest refresh_token_request(const Challenge& c, const std::vector<std::string>& scopes,
                                  const std::string& refresh_token) {
  HttpRequest r;
  r.method = "POST";
  r.url = *c.param("realm");
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "grant_type=refresh_token&client_id=ocbuild&" + token_query(c, scopes, true) +
           "&refresh_token=" + url_escape(refresh_token);
  return r;
}

void redact(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (size_t p; (p = text.find(secret)) != std::string::npos;) text.replace(p, secret.size(), "<redacted>");
}

}  // namespace

HttpResponse Session::request_token(const Challenge& c, const std::vector<std::string>& scopes,
                                    const std::optional<Credentials>& creds, const std::string& subject) {
  if (!creds || !creds->is_identity_token()) return send_raw(basic_token_request(c, scopes, creds), subject);
  HttpResponse resp = send_raw(refresh_token_request(c, scopes, creds->password), subject);
  // A realm without the OAuth2 POST endpoint (GCR answers 404, others 405).
  if (resp.status == 404 || resp.status == 405) return send_raw(basic_token_request(c, scopes, creds), subject);
  // RFC 6749 5.2: a refused refresh token is 400 invalid_grant; say "unauthorized".
  if (resp.status == 400) resp.status = 401;
  return resp;
}

std::string Session::fetch_token(const Challenge& c, const std::vector<std::string>& scopes, const std::string& subject) {
  std::optional<Credentials> creds;
  {
    std::lock_guard lock(mu_);
    creds = credentials();
  }
  std::string realm_host = url_host(*c.param("realm"));
  HttpResponse resp = request_token(c, scopes, creds, subject);
  ++token_fetches;
  if (resp.status != 200) {
    if (creds) {  // a server may echo what it refused, raw or as the Basic header
      redact(resp.body, creds->password);
      redact(resp.body, base64_encode(creds->username + ":" + creds->password));
    }
    throw_http_error(subject, host_, "get a token from " + realm_host, resp, creds.has_value());
  }
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  std::string token;
  if (j.is_object() && j.contains("token") && j["token"].is_string()) token = j["token"];
  else if (j.is_object() && j.contains("access_token") && j["access_token"].is_string()) token = j["access_token"];
  if (token.empty()) throw Error(ErrorCode::Registry, subject + ": the token server " + realm_host + " sent no token");
  int64_t ttl = j.contains("expires_in") && j["expires_in"].is_number_integer() ? j["expires_in"].get<int64_t>() : 60;
  std::lock_guard lock(mu_);
  // Refresh a little early so a token never expires mid-request.
  tokens_[join(scopes, ' ')] = {token, std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(ttl - 10, 10))};
  return token;
}

}  // namespace ocbuild::registry
