// moby/patternmatcher conformance vectors (conformance/dockerignore), one
// test per case, plus checks of the per-Dockerfile ignore file lookup.
#include "ocbuild/frontend/dockerignore.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "frontend/conformance_cases.h"
#include "frontend/dockerignore_path.h"
#include "frontend/dockerignore_pattern.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"

using ocbuild::Error;
using ocbuild::frontend::PatternMatcher;
namespace ct = ocbuild::frontend::testing;
namespace di = ocbuild::frontend::dockerignore;

namespace {

struct JsonCase {
  std::string name;
  nlohmann::json data;
};

std::vector<JsonCase> load_cases(const std::string& file, const std::string& array, const std::string& label_key) {
  auto text = ct::read_conformance("dockerignore/" + file);
  if (!text) return {{"conformance_corpus_missing", nullptr}};
  auto doc = nlohmann::json::parse(*text);
  std::vector<JsonCase> out;
  int n = 0;
  for (const auto& j : doc.at(array)) {
    ++n;
    std::string label;
    if (j.contains(label_key) && j[label_key].is_string()) {
      label = j[label_key].get<std::string>();
    } else if (j.contains(label_key)) {
      label = j[label_key].dump();
    }
    std::string prefix = (j.contains("id") ? "V" + std::to_string(j["id"].get<int>()) : "C" + std::to_string(n));
    out.push_back({ct::case_name(prefix, label), j});
  }
  return out;
}

std::string name_of(const ::testing::TestParamInfo<JsonCase>& info) { return info.param.name; }

class IgnoreFileTest : public ::testing::TestWithParam<JsonCase> {};
class PatternsTest : public ::testing::TestWithParam<JsonCase> {};
class VectorsTest : public ::testing::TestWithParam<JsonCase> {};
class CompileTest : public ::testing::TestWithParam<JsonCase> {};

#define SKIP_IF_MISSING()                                                   \
  if (GetParam().data.is_null()) GTEST_SKIP() << "conformance corpus not found"

TEST_P(IgnoreFileTest, ReadAll) {
  SKIP_IF_MISSING();
  const auto& j = GetParam().data;
  auto got = ocbuild::frontend::read_dockerignore(j.at("input").get<std::string>());
  EXPECT_EQ(got, j.at("patterns").get<std::vector<std::string>>());
}

TEST_P(PatternsTest, New) {
  SKIP_IF_MISSING();
  const auto& j = GetParam().data;
  auto patterns = j.at("patterns").get<std::vector<std::string>>();
  if (!j.at("error").is_null()) {
    try {
      PatternMatcher pm(patterns);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ocbuild::ErrorCode::Invalid);
      EXPECT_NE(e.message().find(j["error"].get<std::string>()), std::string::npos) << e.message();
    }
    return;
  }
  PatternMatcher pm(patterns);
  EXPECT_EQ(pm.cleaned_patterns(), j.at("cleaned").get<std::vector<std::string>>());
  EXPECT_EQ(pm.has_exclusions(), j.at("exclusions").get<bool>());
}

void expect_error(const std::function<void()>& fn, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "expected error: " << message;
  } catch (const Error& e) {
    EXPECT_NE(e.message().find(message), std::string::npos) << e.message();
  }
}

TEST_P(VectorsTest, MatchesOrParentMatches) {
  SKIP_IF_MISSING();
  const auto& j = GetParam().data;
  auto patterns = j.at("patterns").get<std::vector<std::string>>();
  std::string path = j.at("path").get<std::string>();
  const auto& err = j.at("error");
  if (!err.is_null() && err.at("stage") == "new") {
    expect_error([&] { PatternMatcher pm(patterns); }, err.at("message").get<std::string>());
    return;
  }
  PatternMatcher pm(patterns);
  if (!err.is_null()) {  // stage "match": the same error on every call
    for (int i = 0; i < 3; ++i) {
      expect_error([&] { pm.matches_or_parent_matches(path); }, err.at("message").get<std::string>());
    }
    return;
  }
  const bool want = j.at("match").get<bool>();
  EXPECT_EQ(pm.matches_or_parent_matches(path), want) << "path " << path;
  // The walk form gives the same answer when fed no parent information.
  ocbuild::frontend::MatchInfo info;
  EXPECT_EQ(pm.matches_using_parent_results(path, {}, info), want);
  // So does the upstream function the test called.
  if (j.at("upstream_api") == "Matches") {
    EXPECT_EQ(ocbuild::frontend::matches(path, patterns), want);
  }
}

TEST_P(CompileTest, Classification) {
  SKIP_IF_MISSING();
  const auto& j = GetParam().data;
  auto t = di::translate_pattern(j.at("pattern").get<std::string>());
  EXPECT_EQ(di::to_string(t.type), j.at("match_type").get<std::string>());
  if (!j.at("regexp_unix").is_null()) {
    EXPECT_EQ(t.regexp, j["regexp_unix"].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Conformance, IgnoreFileTest,
                         ::testing::ValuesIn(load_cases("ignorefile.json", "cases", "name")), name_of);
INSTANTIATE_TEST_SUITE_P(Conformance, PatternsTest,
                         ::testing::ValuesIn(load_cases("patterns.json", "cases", "upstream_test")), name_of);
INSTANTIATE_TEST_SUITE_P(Conformance, VectorsTest,
                         ::testing::ValuesIn(load_cases("vectors.json", "vectors", "upstream_test")), name_of);
INSTANTIATE_TEST_SUITE_P(Conformance, CompileTest,
                         ::testing::ValuesIn(load_cases("compile.json", "cases", "pattern")), name_of);

TEST(Dockerignore, BadPatternErrorNamesFileAndLine) {
  auto f = ocbuild::frontend::parse_dockerignore("ctx/.dockerignore", "# c\nok\n\n  a[b\n");
  EXPECT_EQ(f.lines, (std::vector<int>{2, 4}));
  try {
    ocbuild::frontend::compile_dockerignore(f);
    FAIL() << "no error";
  } catch (const Error& e) {
    ASSERT_TRUE(e.where());
    EXPECT_EQ(e.where()->file, "ctx/.dockerignore");
    EXPECT_EQ(e.where()->line, 4);
    EXPECT_NE(std::string(e.what()).find("syntax error in pattern \"a[b\""), std::string::npos) << e.what();
  }
  EXPECT_EQ(ocbuild::frontend::compile_dockerignore(
                ocbuild::frontend::parse_dockerignore("x", "a\n!a/b\n")).size(), 2u);
}

TEST(Dockerignore, RegexpErrorsLikeGo) {
  // Each passes filepath.Match's check but is not a valid Go regexp.
  for (const char* p : {"[z-a]x*", "[[:nope:]]*", "a\\qb*", "[\\pL]*"}) {
    PatternMatcher pm({p});
    EXPECT_THROW(pm.matches_or_parent_matches("x"), Error) << p;
  }
  // Go regexp escapes that are valid: octal, hex, \Q...\E, \b.
  EXPECT_TRUE(PatternMatcher({"a\\101*"}).matches_or_parent_matches("aA"));
  EXPECT_TRUE(PatternMatcher({"\\x41\\x42?"}).matches_or_parent_matches("ABc"));
  EXPECT_THROW(PatternMatcher({"\\x{42}?"}).matches_or_parent_matches("B"), Error);  // { is escaped
  EXPECT_TRUE(PatternMatcher({"\\b\\w+?"}).matches_or_parent_matches("a+b"));  // + is literal
  EXPECT_FALSE(PatternMatcher({"?\\b?"}).matches_or_parent_matches("ab"));  // no word boundary inside "ab"
  EXPECT_TRUE(PatternMatcher({"?\\b?"}).matches_or_parent_matches("a-"));
  EXPECT_TRUE(PatternMatcher({"[[:^digit:]]?"}).matches_or_parent_matches("ab"));
  EXPECT_FALSE(PatternMatcher({"[[:^digit:]]?"}).matches_or_parent_matches("1b"));
}

TEST(Dockerignore, GoClean) {
  EXPECT_EQ(di::go_clean(""), ".");
  EXPECT_EQ(di::go_clean("a//b/./c/.."), "a/b");
  EXPECT_EQ(di::go_clean("/../x"), "/x");
  EXPECT_EQ(di::go_clean("../../a/.."), "../..");
  EXPECT_EQ(di::go_clean("a/"), "a");
  EXPECT_EQ(di::go_dir("a/b/c"), "a/b");
  EXPECT_EQ(di::go_dir("c"), ".");
}

TEST(Dockerignore, RegexpClassesBehaveLikeGo) {
  // Go's regexp, not filepath.Match, decides: POSIX classes, a mid-pattern
  // '^' (an anchor that never matches), and \d escapes.
  EXPECT_TRUE(PatternMatcher({"[[:digit:]]x"}).matches_or_parent_matches("7x"));
  EXPECT_TRUE(PatternMatcher({"a^b"}).matches_or_parent_matches("a^b"));  // exact: no regexp
  EXPECT_FALSE(PatternMatcher({"a^b*"}).matches_or_parent_matches("a^bc"));
  EXPECT_TRUE(PatternMatcher({"v\\d"}).matches_or_parent_matches("v1"));
  EXPECT_TRUE(PatternMatcher({"[가-힣]*"}).matches_or_parent_matches("한국어/file"));
  EXPECT_FALSE(PatternMatcher({"[가-힣]*"}).matches_or_parent_matches("abc/한"));
}

TEST(Dockerignore, ExceptionsAndParents) {
  PatternMatcher pm({"docs", "!docs/keep/**", "*.tmp", "!important.tmp"});
  EXPECT_TRUE(pm.matches_or_parent_matches("docs"));
  EXPECT_TRUE(pm.matches_or_parent_matches("docs/a/b.md"));
  EXPECT_FALSE(pm.matches_or_parent_matches("docs/keep/x"));
  EXPECT_TRUE(pm.matches_or_parent_matches("x.tmp"));
  EXPECT_FALSE(pm.matches_or_parent_matches("important.tmp"));
  EXPECT_FALSE(pm.matches_or_parent_matches("src/x.tmp"));  // '*' does not cross '/'
}

TEST(Dockerignore, PerDockerfileIgnoreFileWins) {
  ocbuild::TempDir dir;
  const std::string ctx = dir.path() + "/ctx";
  ocbuild::make_dirs(ctx + "/build");
  EXPECT_FALSE(ocbuild::frontend::load_dockerignore(ctx, ctx + "/build/app.Dockerfile"));
  ocbuild::write_file_atomic(ctx + "/.dockerignore", "# root\nnode_modules\n");
  auto f = ocbuild::frontend::load_dockerignore(ctx, ctx + "/build/app.Dockerfile");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->path, ctx + "/.dockerignore");
  EXPECT_EQ(f->patterns, std::vector<std::string>{"node_modules"});
  ocbuild::write_file_atomic(ctx + "/build/app.Dockerfile.dockerignore", "/dist/\n!dist/keep\n");
  f = ocbuild::frontend::load_dockerignore(ctx, ctx + "/build/app.Dockerfile");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->path, ctx + "/build/app.Dockerfile.dockerignore");
  EXPECT_EQ(f->patterns, (std::vector<std::string>{"dist", "!dist/keep"}));
}

}  // namespace

namespace {

// The one-pass fast path (a path and all its parents through one DFA run,
// literal prefilters, O(1) exact checks) must agree with matching each
// candidate on its own, which is what the walk form does level by level.
TEST(Dockerignore, FastPathAgreesWithLevelByLevelMatching) {
  const std::vector<std::string> patterns = {
      "**/*.pyc", "build", "!build/keep/**", "docs/**/*.md", "*.log", "a?c/**", "**/x[0-9]y", "src/*/gen",
      "!src/core/gen", "**/node_modules", "dist/**", "!dist/r/*.whl", "a.b+c", "v\\d/*", "**/t~"};
  const std::vector<std::string> parts = {"build", "keep", "docs", "a", "abc", "x5y", "src", "core", "gen",
                                          "node_modules", "dist", "r", "f.whl", "m.md", "q.pyc", "e.log",
                                          "a.b+c", "v1", "t~"};
  PatternMatcher pm(patterns);
  uint32_t seed = 12345;
  auto rnd = [&](uint32_t mod) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % mod;
  };
  for (int n = 0; n < 5000; ++n) {
    std::vector<std::string> segs;
    for (uint32_t d = 0, depth = 1 + rnd(5); d < depth; ++d) segs.push_back(parts[rnd(parts.size())]);
    ocbuild::frontend::MatchInfo info;
    std::string path;
    bool walked = false;
    for (const auto& s : segs) {
      path += (path.empty() ? "" : "/") + s;
      ocbuild::frontend::MatchInfo next;
      walked = pm.matches_using_parent_results(path, info, next);
      info = next;
      if (info.parent_matched.empty()) info.parent_matched.assign(pm.size(), false);
    }
    EXPECT_EQ(pm.matches_or_parent_matches(path), walked) << path;
  }
}

}  // namespace
