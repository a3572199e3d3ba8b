// WWW-Authenticate parsing.
#include <gtest/gtest.h>

#include "ocbuild/registry/auth.h"

namespace ocbuild::registry {
namespace {

TEST(Challenge, DockerHubBearer) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].param("scope"), "repository:library/busybox:pull");
}

TEST(Challenge, QuotedValuesKeepCommasAndEscapes) {
  auto c = parse_www_authenticate(R"(Bearer realm="https://r/t", scope="repository:a:pull,push", error="say \"hi\"")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].param("scope"), "repository:a:pull,push");
  EXPECT_EQ(c[0].param("error"), "say \"hi\"");
}

TEST(Challenge, SeveralChallengesInOneHeader) {
  auto c = parse_www_authenticate(R"(Basic realm="Registry Realm", Bearer realm="https://r/token",service=reg)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "Registry Realm");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].param("service"), "reg");
}

TEST(Challenge, CaseSpacingAndToken68) {
  auto c = parse_www_authenticate("  NEGOTIATE abc123==  ,  basic   REALM = \"x y\" ,  ");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "negotiate");
  EXPECT_TRUE(c[0].params.empty());
  EXPECT_EQ(c[1].scheme, "basic");
  EXPECT_EQ(c[1].param("realm"), "x y");
}

TEST(Challenge, UnquotedUrlValueAndMissingParam) {
  auto c = parse_www_authenticate("Bearer realm=https://h:5001/auth,service=h");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].param("realm"), "https://h:5001/auth");
  EXPECT_EQ(c[0].param("service"), "h");
  EXPECT_FALSE(c[0].param("scope"));
}

TEST(Challenge, GarbageYieldsNothingOrPartial) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_TRUE(parse_www_authenticate(" , ,").empty());
  auto c = parse_www_authenticate("Basic realm=\"unterminated");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].param("realm"), "unterminated");
}

}  // namespace
}  // namespace ocbuild::registry
