// The HTTP transport against a small fake server: redirects, retries, sinks.
#include "ocbuild/registry/transport.h"

#include <gtest/gtest.h>

#include <atomic>

#include "ocbuild/core/error.h"
#include "registry/fake_http_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::FakeHttpServer;
using ocbuild::testing::FakeRequest;
using ocbuild::testing::FakeResponse;

TransportOptions fast() {
  TransportOptions o;
  o.initial_backoff = std::chrono::milliseconds(5);
  return o;
}

TEST(Transport, RedirectToAnotherHostDropsAuthorization) {
  FakeHttpServer storage("127.0.0.2", [](const FakeRequest&) { return FakeResponse{200, {}, "blob bytes"}; });
  ASSERT_TRUE(storage.ok()) << "cannot listen on 127.0.0.2";
  FakeHttpServer reg("127.0.0.1", [&](const FakeRequest& r) {
    if (r.target == "/same") return FakeResponse{307, {{"Location", "/final"}}, ""};
    if (r.target == "/final") return FakeResponse{200, {}, "same host"};
    return FakeResponse{307, {{"Location", "http://" + storage.host() + "/data?sig=1"}}, ""};
  });
  Transport t(fast());
  HttpRequest r;
  r.url = "http://" + reg.host() + "/v2/app/blobs/x";
  r.authorization = "Bearer secret-token";
  HttpResponse resp = t.send(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "blob bytes");
  ASSERT_EQ(storage.requests().size(), 1u);
  EXPECT_EQ(storage.requests()[0].target, "/data?sig=1");
  EXPECT_FALSE(storage.requests()[0].has("authorization"));
  EXPECT_EQ(reg.requests()[0].headers["authorization"], "Bearer secret-token");

  r.url = "http://" + reg.host() + "/same";
  EXPECT_EQ(t.send(r).body, "same host");
  auto reqs = reg.requests();
  EXPECT_EQ(reqs.back().target, "/final");
  EXPECT_EQ(reqs.back().headers["authorization"], "Bearer secret-token");
}

TEST(Transport, TransientErrorsAreRetriedWithABound) {
  std::atomic<int> calls{0};
  FakeHttpServer s("127.0.0.1", [&](const FakeRequest&) {
    return ++calls <= 2 ? FakeResponse{503, {}, "busy"} : FakeResponse{200, {}, "ok"};
  });
  Transport t(fast());
  HttpRequest r;
  r.url = "http://" + s.host() + "/";
  HttpResponse resp = t.send(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(calls.load(), 3);

  calls = -100;  // always busy from now on
  TransportOptions o = fast();
  o.max_attempts = 3;
  EXPECT_EQ(Transport(o).send(r).status, 503);
  EXPECT_EQ(calls.load(), -97);
}

TEST(Transport, NotFoundIsNotRetried) {
  std::atomic<int> calls{0};
  FakeHttpServer s("127.0.0.1", [&](const FakeRequest&) {
    ++calls;
    return FakeResponse{404, {}, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})"};
  });
  HttpRequest r;
  r.url = "http://" + s.host() + "/";
  HttpResponse resp = Transport(fast()).send(r);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(resp.body.find("BLOB_UNKNOWN"), std::string::npos);
}

TEST(Transport, BodyStreamsToTheSinkAndUploadsFromAnFd) {
  FakeHttpServer s("127.0.0.1", [](const FakeRequest& r) {
    return FakeResponse{200, {{"X-Method", r.method}}, "echo:" + r.body};
  });
  HttpRequest r;
  r.url = "http://" + s.host() + "/";
  r.method = "PATCH";
  r.body = "0123456789";
  std::string got;
  r.sink = [&](const char* d, size_t n) { got.append(d, n); };
  HttpResponse resp = Transport(fast()).send(r);
  EXPECT_EQ(got, "echo:0123456789");
  EXPECT_TRUE(resp.body.empty());
  EXPECT_EQ(resp.header("x-method"), "PATCH");
  EXPECT_EQ(s.requests()[0].headers["content-length"], "10");
}

TEST(Transport, TlsVerifyOffWarnsNamingTheHostOnly) {
  FakeHttpServer s("127.0.0.1", [](const FakeRequest&) { return FakeResponse{200, {}, "plain"}; });
  std::vector<std::string> warnings;
  TransportOptions o = fast();
  o.max_attempts = 1;
  o.tls_verify = false;
  o.warn = [&](const std::string& w) { warnings.push_back(w); };
  HttpRequest r;
  r.url = "https://" + s.host() + "/v2/";
  r.authorization = "Basic c2VjcmV0";
  EXPECT_THROW(Transport(o).send(r), Error);  // the fake server does not speak TLS
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("verification is disabled for " + s.host()), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[0].find("c2VjcmV0"), std::string::npos);
}

TEST(Transport, ConnectionRefusedIsANetError) {
  TransportOptions o = fast();
  o.max_attempts = 2;
  HttpRequest r;
  r.url = "http://127.0.0.1:1/v2/";
  try {
    Transport(o).send(r);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Net);
    EXPECT_NE(std::string(e.what()).find("cannot reach 127.0.0.1:1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ocbuild::registry
