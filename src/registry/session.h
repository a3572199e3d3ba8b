#pragma once
// A Session sends requests to one registry host with the right credentials:
// anonymous first, then, on 401, the challenge's scheme (Bearer token fetched
// from the realm and cached per scope set, or Basic). An identity token from
// `docker login` (config.json "identitytoken") is used as an OAuth2 refresh
// token at the realm. Thread safe: the token
// cache is behind a mutex and the Transport is shared read-only.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/transport.h"

namespace ocbuild::registry {

struct SessionOptions {
  TransportOptions transport;
  std::optional<Credentials> credentials;  // explicit; else looked up once
  bool use_credential_store = true;
};

class Session {
 public:
  Session(std::string host, SessionOptions options);

  const std::string& host() const { return host_; }
  const std::string& base_url() const { return base_url_; }
  const Transport& transport() const { return transport_; }

  // Sends with authorization for `scopes` ("repository:app:pull"); retries
  // once after a 401 with fresh credentials. Returns any status; throws
  // Error(Net) naming `subject` when the registry is unreachable, and
  // Error(Registry) when a token cannot be had.
  HttpResponse send(HttpRequest request, const std::vector<std::string>& scopes, const std::string& subject);
  bool has_credentials();
  std::atomic<int> token_fetches{0};

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  std::optional<std::string> cached_authorization(const std::string& key);
  std::optional<std::string> authorize(const HttpResponse& challenge_response, const std::vector<std::string>& scopes,
                                       const std::string& key, const std::string& subject);
  std::string fetch_token(const Challenge& c, const std::vector<std::string>& scopes, const std::string& subject);
  // An identity token is an OAuth2 refresh token (POST), with GET + Basic
  // when the realm has no POST endpoint; other credentials use GET + Basic.
  HttpResponse request_token(const Challenge& c, const std::vector<std::string>& scopes,
                             const std::optional<Credentials>& creds, const std::string& subject);
  HttpResponse send_raw(const HttpRequest& r, const std::string& subject) const;
  HttpResponse send_https_then_http(HttpRequest r) const;
  std::optional<Credentials> credentials();

  std::string host_;
  std::string base_url_;
  Transport transport_;
  // A host marked insecure: HTTPS first; once that fails, plain HTTP for good.
  bool plain_fallback_ = false;
  mutable std::atomic<bool> plain_{false};
  SessionOptions options_;
  std::mutex mu_;
  bool creds_loaded_ = false;
  std::optional<Credentials> creds_;
  std::optional<std::string> basic_;  // the registry asked for Basic auth
  std::map<std::string, Token> tokens_;
};

}  // namespace ocbuild::registry
