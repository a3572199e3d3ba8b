#pragma once
// Registry authentication: WWW-Authenticate challenges (RFC 7235), and
// where credentials come from (docker config.json with `auths`, `credsStore`
// and `credHelpers`, and the containers auth.json).
// Credentials are never put in an Error or log line by this module.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::registry {

struct Challenge {
  std::string scheme;                         // lower-cased: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys lower-cased, values unquoted
  std::optional<std::string> param(const std::string& key) const;
};

// Parses one or more WWW-Authenticate header values; several challenges may
// share one value ("Basic realm=x, Bearer realm=y"). Tolerates odd spacing;
// throws nothing (unparsable tails are dropped).
std::vector<Challenge> parse_www_authenticate(std::string_view header);

struct Credentials {
  std::string username;
  std::string password;  // or an identity token when username is "<token>"
  // docker's convention (config.json "identitytoken", credential helpers):
  // the password is an OAuth2 refresh token for the registry's token realm.
  bool is_identity_token() const { return username == kIdentityTokenUser; }
  static constexpr const char* kIdentityTokenUser = "<token>";
};

// base64 helpers for `auths.<host>.auth` ("user:password").
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// The key a registry host has in config files: docker.io's is
// "https://index.docker.io/v1/", every other one is the host itself.
std::string config_key_for(std::string_view host);

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
std::string docker_config_path();
// $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json (nullopt
// when neither is set).
std::optional<std::string> containers_auth_path();

// Looks up credentials for a registry host: the docker config (credHelpers,
// then credsStore, then auths), then the containers auth file. Runs
// `docker-credential-<name> get` with the host on stdin for helpers.
// Throws Error(Invalid) naming the file for a malformed config.
std::optional<Credentials> lookup_credentials(std::string_view host);

// Writes/removes `auths.<key>` in the docker config.json atomically with mode
// 0600, keeping every other field. erase returns false when there was none.
void store_credentials(std::string_view host, const Credentials& creds);
bool erase_credentials(std::string_view host);

}  // namespace ocbuild::registry
