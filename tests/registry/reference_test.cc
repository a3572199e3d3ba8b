#include "ocbuild/registry/reference.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"

using ocbuild::registry::Reference;

namespace {
const std::string kHex(64, 'a');
}

TEST(Reference, NormalizesDockerHubNames) {
  auto r = Reference::parse("busybox");
  EXPECT_EQ(r.domain(), "docker.io");
  EXPECT_EQ(r.path(), "library/busybox");
  EXPECT_EQ(r.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(r.familiar(), "busybox:latest");
  EXPECT_EQ(Reference::parse("user/app:1.0").str(), "docker.io/user/app:1.0");
  EXPECT_EQ(Reference::parse("index.docker.io/library/x").familiar(), "x:latest");
}

TEST(Reference, RegistryHostsWithPortsAndLocalhost) {
  auto r = Reference::parse("127.0.0.1:5000/busybox:latest");
  EXPECT_EQ(r.domain(), "127.0.0.1:5000");
  EXPECT_EQ(r.path(), "busybox");
  EXPECT_EQ(r.familiar(), "127.0.0.1:5000/busybox:latest");
  EXPECT_EQ(Reference::parse("localhost/app").domain(), "localhost");
  EXPECT_EQ(Reference::parse("registry.example.com/a/b/c:t").path(), "a/b/c");
  EXPECT_EQ(Reference::parse("Example.com/app").domain(), "Example.com");
  EXPECT_EQ(Reference::parse("[::1]:5000/app").domain(), "[::1]:5000");
}

TEST(Reference, TagsAndDigests) {
  auto d = Reference::parse("app@sha256:" + kHex);
  EXPECT_FALSE(d.tag());
  EXPECT_EQ(*d.digest(), "sha256:" + kHex);
  EXPECT_EQ(d.str(), "docker.io/library/app@sha256:" + kHex);
  auto td = Reference::parse("app:v1@sha256:" + kHex);
  EXPECT_EQ(*td.tag(), "v1");
  EXPECT_EQ(td.familiar(), "app:v1@sha256:" + kHex);
}

TEST(Reference, RejectsInvalid) {
  for (const char* bad : {"", "UPPER", "app:", ":tag", "a//b", "-app", "app:-tag", "app@sha256:short",
                          "a b", "app:tag:tag"}) {
    EXPECT_THROW(Reference::parse(bad), ocbuild::Error) << bad;
  }
  EXPECT_THROW(Reference::parse(kHex), ocbuild::Error);
  EXPECT_THROW(Reference::parse("app:" + std::string(129, 'a')), ocbuild::Error);
  EXPECT_THROW(Reference::parse(std::string(256, 'a')), ocbuild::Error);
  try {
    Reference::parse("Busybox");
  } catch (const ocbuild::Error& e) {
    EXPECT_NE(std::string(e.what()).find("lowercase"), std::string::npos);
  }
}
