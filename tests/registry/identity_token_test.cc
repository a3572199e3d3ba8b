// Identity tokens (config.json/auth.json "identitytoken") used as OAuth2
// refresh tokens at the registry's token realm: POST grant_type=refresh_token,
// GET with Basic when the realm refuses POST, and the token never in a URL,
// an error or a warning.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/client.h"
#include "registry/fake_http_server.h"
#include "registry/token_server.h"

namespace ocbuild::registry {
namespace {

using json = nlohmann::json;
using ocbuild::testing::FakeHttpServer;
using ocbuild::testing::FakeRequest;
using ocbuild::testing::FakeResponse;
using ocbuild::testing::TokenServer;

// '/', '+' and '=' must survive form encoding.
constexpr const char* kRefresh = "rt-S3cret/refresh+token=";
constexpr const char* kWrongRefresh = "rt-Wr0ng/refresh+token=";
constexpr const char* kAccess = "access-granted-42";
constexpr const char* kManifest = R"({"schemaVersion":2,"layers":[]})";

std::vector<json> lines_of(const std::string& jsonl) {
  std::vector<json> out;
  size_t start = 0;
  for (size_t end; (end = jsonl.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(json::parse(jsonl.substr(start, end - start)));
  return out;
}

class IdentityTokenTest : public ::testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("DOCKER_CONFIG");
    ::unsetenv("REGISTRY_AUTH_FILE");
  }
  // Starts the token server; false (reason in why_) when it cannot.
  bool start(const std::string& mode) {
    tokens_ = TokenServer::start(mode, kRefresh, kAccess, &why_);
    return tokens_ != nullptr;
  }
  FakeResponse handle(const FakeRequest& r) {
    auto auth = r.headers.find("authorization");
    if (auth != r.headers.end() && auth->second == std::string("Bearer ") + kAccess)
      return {200, {{"Content-Type", media_type::kOciManifest}}, kManifest};
    return {401,
            {{"WWW-Authenticate", "Bearer realm=\"" + tokens_->realm() + "\",service=\"fake-registry\""}},
            R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
  }
  // A docker config.json holding an identity token for the registry.
  void write_docker_config(const std::string& token) {
    json cfg = {{"auths", {{registry_.host(), {{"auth", base64_encode("<token>:")}, {"identitytoken", token}}}}}};
    write_file_atomic(config_dir_.path() + "/config.json", cfg.dump());
    ::setenv("DOCKER_CONFIG", config_dir_.path().c_str(), 1);
    ::unsetenv("REGISTRY_AUTH_FILE");
  }
  Client client() {
    ClientOptions o;
    o.transport.warn = [this](const std::string& w) { warnings_.push_back(w); };
    return Client(registry_.host(), "team/app", o);
  }
  // Everything a user or an operator could read afterwards.
  std::string everything_visible(const std::string& error) {
    std::string all = error + "\n" + tokens_->access_log();
    for (const auto& w : warnings_) all += "\n" + w;
    for (const auto& r : registry_.requests()) all += "\n" + r.target;
    for (const auto& r : lines_of(tokens_->requests())) all += "\n" + r["path"].get<std::string>();
    return all;
  }

  std::string why_;
  std::unique_ptr<TokenServer> tokens_;
  std::vector<std::string> warnings_;
  TempDir config_dir_{"ocbuild-idtoken-"};
  FakeHttpServer registry_{"127.0.0.1", [this](const FakeRequest& r) { return handle(r); }};
};

TEST_F(IdentityTokenTest, IdentityTokenIsPostedAsARefreshToken) {
  if (!start("oauth")) GTEST_SKIP() << why_;
  write_docker_config(kRefresh);
  Client c = client();
  EXPECT_EQ(c.get_manifest("1").bytes, kManifest);
  EXPECT_EQ(c.get_manifest("2").bytes, kManifest);
  EXPECT_EQ(c.stats().token_fetches, 1);  // the access token is cached

  auto requests = lines_of(tokens_->requests());
  ASSERT_EQ(requests.size(), 1u) << tokens_->requests();
  const json& post = requests[0];
  EXPECT_EQ(post["method"], "POST");
  EXPECT_EQ(post["path"], "/token");
  EXPECT_EQ(post["content_type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(post["authorization"], "");
  std::string body = post["body"];
  EXPECT_NE(body.find("grant_type=refresh_token"), std::string::npos) << body;
  EXPECT_NE(body.find("service=fake-registry"), std::string::npos) << body;
  EXPECT_NE(body.find("scope=repository%3Ateam%2Fapp%3Apull"), std::string::npos) << body;
  EXPECT_NE(body.find("refresh_token=rt-S3cret%2Frefresh%2Btoken%3D"), std::string::npos) << body;
  EXPECT_EQ(everything_visible("").find(kRefresh), std::string::npos) << everything_visible("");
}

TEST_F(IdentityTokenTest, RealmWithoutPostFallsBackToGetWithBasic) {
  for (const char* mode : {"get-only", "get-only-404"}) {  // 405 and 404 both mean "no POST here"
    SCOPED_TRACE(mode);
    if (!start(mode)) GTEST_SKIP() << why_;
    // The containers auth.json is read too.
    write_file_atomic(config_dir_.path() + "/auth.json",
                      json{{"auths", {{registry_.host(), {{"identitytoken", kRefresh}}}}}}.dump());
    ::setenv("DOCKER_CONFIG", (config_dir_.path() + "/none").c_str(), 1);
    ::setenv("REGISTRY_AUTH_FILE", (config_dir_.path() + "/auth.json").c_str(), 1);
    EXPECT_EQ(client().get_manifest("1").bytes, kManifest);

    auto requests = lines_of(tokens_->requests());
    ASSERT_EQ(requests.size(), 2u) << tokens_->requests();
    EXPECT_EQ(requests[0]["method"], "POST");
    EXPECT_EQ(requests[1]["method"], "GET");
    EXPECT_EQ(requests[1]["authorization"], "Basic " + base64_encode(std::string("<token>:") + kRefresh));
    EXPECT_EQ(requests[1]["path"], "/token?service=fake-registry&scope=repository%3Ateam%2Fapp%3Apull");
    EXPECT_EQ(everything_visible("").find(kRefresh), std::string::npos) << everything_visible("");
  }
}

TEST_F(IdentityTokenTest, RefusedRefreshTokenIsUnauthorizedAndNotEchoed) {
  if (!start("oauth")) GTEST_SKIP() << why_;
  write_docker_config(kWrongRefresh);
  try {
    client().get_manifest("1");
    FAIL() << "a wrong refresh token was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.code(), ErrorCode::Registry);
    EXPECT_NE(msg.find(registry_.host() + "/team/app:1: unauthorized"), std::string::npos) << msg;
    EXPECT_NE(msg.find("run `ocbuild login " + registry_.host() + "`"), std::string::npos) << msg;
    EXPECT_NE(msg.find("invalid_grant"), std::string::npos) << msg;  // the server's words, redacted
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(everything_visible(msg).find(kWrongRefresh), std::string::npos) << everything_visible(msg);
  }
  ASSERT_EQ(lines_of(tokens_->requests()).size(), 1u);  // 400 is a refusal, not "no POST here"
  EXPECT_NE(tokens_->requests().find("rt-Wr0ng"), std::string::npos);  // it was sent, in the body
}

TEST_F(IdentityTokenTest, RefusedBasicFallbackHidesTheEncodedToken) {
  if (!start("get-only")) GTEST_SKIP() << why_;
  write_docker_config(kWrongRefresh);
  try {
    client().get_manifest("1");
    FAIL() << "a wrong identity token was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unauthorized"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ocbuild login " + registry_.host()), std::string::npos) << msg;
    std::string encoded = base64_encode(std::string("<token>:") + kWrongRefresh);
    EXPECT_EQ(msg.find(encoded), std::string::npos) << msg;  // the server echoed the header it got
    EXPECT_EQ(everything_visible(msg).find(kWrongRefresh), std::string::npos) << everything_visible(msg);
  }
}

}  // namespace
}  // namespace ocbuild::registry
