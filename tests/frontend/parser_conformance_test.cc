// The BuildKit parser corpus: parser/, parser-negative/, parser-lines/,
// parser-extra/. One parametrised test per folder, named after the case.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ocbuild/frontend/ast.h"
#include "ocbuild/frontend/line_parsers.h"
#include "ocbuild/frontend/syntax.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace ocbuild::frontend;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> cases(const std::string& folder) {
  std::vector<std::string> out;
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) return {"corpus_missing"};
  for (const auto& e : fs::directory_iterator(fs::path(*dir) / folder))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path case_dir(const std::string& folder, const std::string& name) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir || name == "corpus_missing") return {};
  return fs::path(*dir) / folder / name;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class ParserDump : public ::testing::TestWithParam<std::string> {};
class ParserNegative : public ::testing::TestWithParam<std::string> {};
class ParserExtra : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(ParserDump, MatchesResult) {
  fs::path dir = case_dir("parser", GetParam());
  if (dir.empty()) GTEST_SKIP() << "conformance corpus not found";
  SyntaxTree tree = parse_syntax(slurp(dir / "Dockerfile"), "Dockerfile");
  EXPECT_EQ(dump(tree), slurp(dir / "result"));
}
INSTANTIATE_TEST_SUITE_P(Corpus, ParserDump, ::testing::ValuesIn(cases("parser")), test_name);

TEST_P(ParserNegative, FailsWithLocation) {
  fs::path dir = case_dir("parser-negative", GetParam());
  if (dir.empty()) GTEST_SKIP() << "conformance corpus not found";
  try {
    parse_syntax(slurp(dir / "Dockerfile"), "Dockerfile");
    FAIL() << "parse succeeded";
  } catch (const ocbuild::Error& e) {
    EXPECT_EQ(e.code(), ocbuild::ErrorCode::Parse);
    ASSERT_TRUE(e.where().has_value());
    EXPECT_EQ(e.where()->file, "Dockerfile");
    EXPECT_EQ(std::string(e.what()).rfind("Dockerfile:", 0), 0u) << e.what();
  }
}
INSTANTIATE_TEST_SUITE_P(Corpus, ParserNegative, ::testing::ValuesIn(cases("parser-negative")), test_name);

TEST(ParserNegativeMessages, MatchUpstream) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  auto expect = [&](const std::string& name, const std::string& msg, int line) {
    try {
      parse_syntax(slurp(fs::path(*dir) / "parser-negative" / name / "Dockerfile"), "Dockerfile");
      ADD_FAILURE() << name << " parsed";
    } catch (const ocbuild::Error& e) {
      EXPECT_EQ(e.message(), msg) << name;
      if (line) {
        EXPECT_EQ(e.where()->line, line) << name;
      }
    }
  };
  expect("empty_dockerfile", "file with no instructions", 0);
  expect("only_comments", "file with no instructions", 0);
  expect("env_no_value", "ENV must have two arguments", 3);
  expect("shykes-nested-json", kNotStringArrayMessage, 1);
}

TEST(ParserLines, LineNumbers) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  fs::path c = fs::path(*dir) / "parser-lines" / "testfile-line";
  auto expect = nlohmann::json::parse(slurp(c / "expect.json"));
  SyntaxTree tree = parse_syntax(slurp(c / "Dockerfile"), "Dockerfile");
  EXPECT_EQ(tree.start_line, expect["root"]["start_line"].get<int>());
  EXPECT_EQ(tree.end_line, expect["root"]["end_line"].get<int>());
  ASSERT_EQ(tree.nodes.size(), expect["child_count"].get<size_t>());
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    EXPECT_EQ(tree.nodes[i].range.line, expect["children"][i]["start_line"].get<int>()) << i;
    EXPECT_EQ(tree.nodes[i].range.end_line, expect["children"][i]["end_line"].get<int>()) << i;
  }
}

TEST(ParserLines, EmptyContinuationWarnings) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  fs::path c = fs::path(*dir) / "parser-lines" / "empty-continuation-warnings";
  auto expect = nlohmann::json::parse(slurp(c / "expect.json"));
  SyntaxTree tree = parse_syntax(slurp(c / "Dockerfile"), "Dockerfile");
  ASSERT_EQ(tree.warnings.size(), expect["warning_count"].get<size_t>());
  for (size_t i = 0; i < tree.warnings.size(); ++i) {
    for (const auto& part : expect["warnings_contain"][i])
      EXPECT_NE(tree.warnings[i].message.find(part.get<std::string>()), std::string::npos)
          << tree.warnings[i].message;
    EXPECT_NE(tree.warnings[i].detail.find(expect["warning_detail_contains"].get<std::string>()),
              std::string::npos);
  }
}

TEST_P(ParserExtra, DumpAndHeredocs) {
  fs::path dir = case_dir("parser-extra", GetParam());
  if (dir.empty()) GTEST_SKIP() << "conformance corpus not found";
  SyntaxTree tree = parse_syntax(slurp(dir / "Dockerfile"), "Dockerfile");
  EXPECT_EQ(dump(tree), slurp(dir / "result"));
  if (!fs::exists(dir / "heredocs.json")) return;
  auto expect = nlohmann::json::parse(slurp(dir / "heredocs.json"));
  for (const auto& ins : expect["instructions"]) {
    size_t index = ins["index"].get<size_t>();
    ASSERT_LT(index, tree.nodes.size());
    const Node& node = tree.nodes[index];
    EXPECT_EQ(node.range.line, ins["start_line"].get<int>()) << index;
    EXPECT_EQ(node.range.end_line, ins["end_line"].get<int>()) << index;
    if (ins.contains("dump")) {
      EXPECT_EQ("(" + dump(node) + ")", ins["dump"].get<std::string>()) << index;
    }
    const auto& docs = ins["heredocs"];
    ASSERT_EQ(node.heredocs.size(), docs.size()) << index;
    for (size_t i = 0; i < docs.size(); ++i) {
      const Heredoc& h = node.heredocs[i];
      EXPECT_EQ(h.name, docs[i]["name"].get<std::string>()) << index;
      EXPECT_EQ(h.fd, docs[i]["fd"].get<unsigned>()) << index;
      EXPECT_EQ(h.expand, docs[i]["expand"].get<bool>()) << index;
      EXPECT_EQ(h.chomp, docs[i]["chomp"].get<bool>()) << index;
      EXPECT_EQ(h.content, docs[i]["content"].get<std::string>()) << index;
    }
  }
}
INSTANTIATE_TEST_SUITE_P(Corpus, ParserExtra, ::testing::ValuesIn(cases("parser-extra")), test_name);

TEST(ParserLimits, OverlongLineFails) {
  std::string text = "FROM a\nRUN " + std::string(65536, 'x') + "\n";
  try {
    parse_syntax(text, "Dockerfile");
    FAIL();
  } catch (const ocbuild::Error& e) {
    EXPECT_EQ(e.message(), "dockerfile line greater than max allowed size of 65535");
    EXPECT_EQ(e.where()->line, 2);
  }
  EXPECT_NO_THROW(parse_syntax("FROM a\nRUN " + std::string(65531, 'x') + "\n", "Dockerfile"));
}

// The typed lowering accepts every upstream case except the two that hold
// instructions BuildKit's instruction parser rejects too.
class ParserTyped : public ::testing::TestWithParam<std::string> {};

TEST_P(ParserTyped, LowersOrRejectsKnownBad) {
  fs::path dir = case_dir("parser", GetParam());
  if (dir.empty()) GTEST_SKIP() << "conformance corpus not found";
  const std::map<std::string, std::string> rejected = {
      {"flags", "unknown flag --user for COPY"},
      {"health", "HEALTHCHECK requires at least one argument"},
  };
  std::string text = slurp(dir / "Dockerfile");
  auto it = rejected.find(GetParam());
  if (it == rejected.end()) {
    Ast ast = parse(text, "Dockerfile");
    EXPECT_EQ(ast.instructions.size(), parse_syntax(text, "Dockerfile").nodes.size());
    return;
  }
  try {
    parse(text, "Dockerfile");
    FAIL() << "parse succeeded";
  } catch (const ocbuild::Error& e) {
    EXPECT_EQ(e.message(), it->second);
  }
}
INSTANTIATE_TEST_SUITE_P(Corpus, ParserTyped, ::testing::ValuesIn(cases("parser")), test_name);
