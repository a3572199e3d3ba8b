// The Bearer token flow against a fake registry and token server: tokens are
// fetched with the credentials, cached per scope, and errors stay clear.
#include <gtest/gtest.h>

#include <atomic>

#include "ocbuild/core/error.h"
#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/client.h"
#include "registry/fake_http_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::FakeHttpServer;
using ocbuild::testing::FakeRequest;
using ocbuild::testing::FakeResponse;

constexpr const char* kManifest = R"({"schemaVersion":2,"layers":[]})";

class BearerTest : public ::testing::Test {
 protected:
  FakeResponse handle(const FakeRequest& r) {
    if (r.target.rfind("/token?", 0) == 0) {
      ++token_requests_;
      if (r.headers.count("authorization") == 0 ||
          r.headers.at("authorization") != "Basic " + base64_encode("alice:wonder"))
        return {401, {}, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})"};
      last_token_target_ = r.target;
      return {200, {{"Content-Type", "application/json"}}, R"({"token":"tok-1","expires_in":300})"};
    }
    auto auth = r.headers.find("authorization");
    if (auth == r.headers.end() || auth->second != "Bearer tok-1")
      return {401,
              {{"WWW-Authenticate", "Bearer realm=\"http://" + server_.host() +
                                        "/token\",service=\"fake registry\",scope=\"repository:team/app:pull\""}},
              R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
    if (r.target == "/v2/team/app/manifests/weird")
      return {200, {{"Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"}}, kManifest};
    if (r.target.rfind("/v2/team/app/manifests/", 0) == 0)
      return {200, {{"Content-Type", media_type::kOciManifest}}, kManifest};
    return {404, {}, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})"};
  }
  Client client(std::optional<Credentials> c) {
    ClientOptions o;
    o.credentials = std::move(c);
    o.use_credential_store = false;
    return Client(server_.host(), "team/app", o);
  }

  std::atomic<int> token_requests_{0};
  std::string last_token_target_;
  FakeHttpServer server_{"127.0.0.1", [this](const FakeRequest& r) { return handle(r); }};
};

TEST_F(BearerTest, TokenIsFetchedOnceAndCachedPerScope) {
  Client c = client(Credentials{"alice", "wonder"});
  EXPECT_EQ(c.get_manifest("1").bytes, kManifest);
  EXPECT_EQ(c.get_manifest("2").bytes, kManifest);
  EXPECT_EQ(c.stats().token_fetches, 1);
  EXPECT_EQ(token_requests_.load(), 1);
  EXPECT_NE(last_token_target_.find("service=fake%20registry"), std::string::npos) << last_token_target_;
  EXPECT_NE(last_token_target_.find("scope=repository%3Ateam%2Fapp%3Apull"), std::string::npos) << last_token_target_;
}

TEST_F(BearerTest, RejectedCredentialsGiveAClearErrorWithoutThePassword) {
  try {
    client(Credentials{"alice", "not-the-password"}).get_manifest("1");
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(server_.host() + "/team/app:1: unauthorized"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ocbuild login " + server_.host()), std::string::npos) << msg;
    EXPECT_EQ(msg.find("not-the-password"), std::string::npos) << msg;
  }
}

TEST_F(BearerTest, PinnedDigestIsCheckedAgainstTheBytes) {
  Client c = client(Credentials{"alice", "wonder"});
  std::string right = Digest::of(kManifest).str();
  EXPECT_EQ(c.get_manifest(right).digest.str(), right);
  std::string wrong = Digest::of("something else").str();
  try {
    c.get_manifest(wrong);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("@" + wrong + ": manifest digest mismatch"), std::string::npos) << e.what();
  }
}

TEST_F(BearerTest, UnsupportedMediaTypeIsNamed) {
  try {
    client(Credentials{"alice", "wonder"}).get_manifest("weird");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported media type 'application/vnd.docker.distribution.manifest.v1+prettyjws'"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("schema 1 images are not supported; re-push the image"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

TEST_F(BearerTest, UnknownRepositoryShowsTheRegistryMessage) {
  ClientOptions o;
  o.credentials = Credentials{"alice", "wonder"};
  o.use_credential_store = false;
  StringBlobSink sink;
  try {
    Client(server_.host(), "team/app", o).fetch_blob(Digest::of("x"), sink);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NAME_UNKNOWN: repository name not known"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(sink.committed());
}

}  // namespace
}  // namespace ocbuild::registry
