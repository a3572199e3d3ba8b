#include "solver/glob_match.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"

namespace ocbuild::solver {
namespace {

// Go's path/filepath match_test.go vectors (single component ones).
struct MatchCase {
  const char* pattern;
  const char* name;
  bool match;
  bool error;
};

const MatchCase kCases[] = {
    {"abc", "abc", true, false},
    {"*", "abc", true, false},
    {"*c", "abc", true, false},
    {"a*", "a", true, false},
    {"a*", "abc", true, false},
    {"a*b*c*d*e*", "axbxcxdxe", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
    {"ab[c]", "abc", true, false},
    {"ab[b-d]", "abc", true, false},
    {"ab[e-g]", "abc", false, false},
    {"ab[^c]", "abc", false, false},
    {"ab[^b-d]", "abc", false, false},
    {"ab[^e-g]", "abc", true, false},
    {"a\\*b", "a*b", true, false},
    {"a\\*b", "ab", false, false},
    {"a?b", "a\xe2\x98\xba" "b", true, false},
    {"a[^a]b", "a\xe2\x98\xba" "b", true, false},
    {"a???b", "a\xe2\x98\xba" "b", false, false},
    {"a[^a][^a][^a]b", "a\xe2\x98\xba" "b", false, false},
    {"[a-\xce\xb6]*", "\xce\xb1", true, false},
    {"*[^a-\xce\xb6]", "A", true, false},
    {"[\\]a]", "]", true, false},
    {"[\\-]", "-", true, false},
    {"[x\\-]", "x", true, false},
    {"[x\\-]", "-", true, false},
    {"[x\\-]", "z", false, false},
    {"[\\-x]", "x", true, false},
    {"[]a]", "]", false, true},
    {"[-]", "-", false, true},
    {"[x-]", "x", false, true},
    {"[-x]", "x", false, true},
    {"\\", "a", false, true},
    {"[a-b-c]", "a", false, true},
    {"[", "a", false, true},
    {"[^", "a", false, true},
    {"[^bc", "a", false, true},
    {"a[", "a", false, true},
    {"a[", "ab", false, true},
    {"a[", "x", false, true},
    {"*x", "xxx", true, false},
};

TEST(GlobMatch, GoVectors) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + c.name);
    if (c.error) {
      EXPECT_THROW(glob_match(c.pattern, c.name), Error);
    } else {
      EXPECT_EQ(glob_match(c.pattern, c.name), c.match);
    }
  }
}

TEST(GlobMatch, Wildcards) {
  EXPECT_TRUE(has_wildcards("*.go"));
  EXPECT_TRUE(has_wildcards("sub/[ab]"));
  EXPECT_TRUE(has_wildcards("a?"));
  EXPECT_FALSE(has_wildcards("plain/path"));
  EXPECT_FALSE(has_wildcards("esc\\*aped"));
}

}  // namespace
}  // namespace ocbuild::solver
