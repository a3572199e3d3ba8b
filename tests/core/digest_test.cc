#include "ocbuild/core/digest.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"

using ocbuild::Digest;
using ocbuild::Hasher;

TEST(Digest, KnownAnswers) {
  EXPECT_EQ(Digest::of("").str(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Digest::of("abc").hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, StreamingMatchesOneShot) {
  Hasher h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.bytes_hashed(), 3u);
  EXPECT_EQ(h.finish(), Digest::of("abc"));
}

TEST(Digest, ParseRejectsMalformed) {
  EXPECT_FALSE(Digest::try_parse("sha256:abc"));
  EXPECT_FALSE(Digest::try_parse("md5:" + std::string(64, 'a')));
  EXPECT_FALSE(Digest::try_parse("sha256:" + std::string(64, 'A')));
  EXPECT_THROW(Digest::parse("nope"), ocbuild::Error);
  auto d = Digest::parse("sha256:" + std::string(64, 'a'));
  EXPECT_EQ(d.algorithm(), "sha256");
}

TEST(Hasher, FieldsAreUnambiguous) {
  Hasher a, b;
  a.field("x", "ab");
  a.field("y", "c");
  b.field("x", "a");
  b.field("y", "bc");
  EXPECT_NE(a.finish(), b.finish());
}
