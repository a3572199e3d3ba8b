// Which hosts may use plain HTTP.
#include <gtest/gtest.h>

#include "ocbuild/core/error.h"
#include "ocbuild/registry/transport.h"

namespace ocbuild::registry {
namespace {

TEST(HttpPolicy, LoopbackMayUsePlainHttp) {
  TransportOptions o;
  for (const char* h : {"localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "127.1.2.3:80", "[::1]:5000",
                        "[::1]", "LOCALHOST:5000"})
    EXPECT_TRUE(plain_http_allowed(h, o)) << h;
}

TEST(HttpPolicy, OtherHostsNeedToBeMarkedInsecure) {
  TransportOptions o;
  for (const char* h : {"docker.io", "registry.example.com:5000", "10.0.0.1:5000", "128.0.0.1", "[::2]:5000",
                        "localhost.example.com", "127.0.0.1.nip.io"})
    EXPECT_FALSE(plain_http_allowed(h, o)) << h;
  o.insecure_hosts = {"registry.example.com:5000", "10.0.0.1"};
  EXPECT_TRUE(plain_http_allowed("registry.example.com:5000", o));
  EXPECT_FALSE(plain_http_allowed("registry.example.com:5001", o));
  EXPECT_TRUE(plain_http_allowed("10.0.0.1:5000", o));
}

TEST(HttpPolicy, BaseUrlPicksTheScheme) {
  TransportOptions o;
  EXPECT_EQ(registry_base_url("127.0.0.1:5000", o), "http://127.0.0.1:5000");
  EXPECT_EQ(registry_base_url("quay.io", o), "https://quay.io");
  o.insecure_hosts = {"10.0.0.1:5000"};
  EXPECT_EQ(registry_base_url("10.0.0.1:5000", o), "https://10.0.0.1:5000");  // HTTPS first, like docker
}

TEST(HttpPolicy, TransportRefusesPlainHttpToARemoteHost) {
  Transport t;
  HttpRequest r;
  r.url = "http://registry.example.com:5000/v2/";
  try {
    t.send(r);
    FAIL() << "plain HTTP was allowed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Registry);
    EXPECT_NE(std::string(e.what()).find("refusing plain HTTP to registry.example.com:5000"), std::string::npos);
  }
}

TEST(HttpPolicy, UrlHost) {
  EXPECT_EQ(url_host("https://Auth.Docker.io/token?x=1"), "auth.docker.io");
  EXPECT_EQ(url_host("http://u:p@127.0.0.1:5000/v2/"), "127.0.0.1:5000");
  EXPECT_EQ(url_host("/relative"), "");
}

}  // namespace
}  // namespace ocbuild::registry
