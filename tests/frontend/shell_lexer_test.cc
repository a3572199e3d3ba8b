// BuildKit's shell conformance vectors (conformance/shell), one test per case,
// plus a few hand-written checks of behaviour the vectors do not pin.
#include "ocbuild/frontend/shell_lexer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "frontend/conformance_cases.h"
#include "ocbuild/core/error.h"

using ocbuild::Error;
using ocbuild::ErrorCode;
using ocbuild::frontend::build_shell_env;
using ocbuild::frontend::ShellEnv;
using ocbuild::frontend::ShellLexer;
using ocbuild::frontend::ShellLexerOptions;
namespace ct = ocbuild::frontend::testing;

namespace {

struct ShellCase {
  std::string name;
  std::string input;
  ShellEnv env;
  bool error = false;
  std::string result;                  // envVarTest / process-word
  std::vector<std::string> words;      // wordsTest
  std::optional<std::string> error_contains;
  std::optional<std::vector<std::string>> matched, unmatched;
  bool missing = false;                // corpus absent: the test skips
};

ShellCase missing_case() {
  ShellCase c;
  c.name = "conformance_corpus_missing";
  c.missing = true;
  return c;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// envVarTest: "PLATFORM|INPUT|EXPECTED"; A and U lines run on Linux.
std::vector<ShellCase> env_var_cases() {
  auto text = ct::read_conformance("shell/envVarTest");
  if (!text) return {missing_case()};
  ShellEnv env{{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
  std::vector<ShellCase> cases;
  auto lines = split_lines(*text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#' || ct::trim(line).empty()) continue;
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1) {
      f.push_back(line.substr(start, bar - start));
    }
    f.push_back(line.substr(start));
    if (f.size() != 3) throw std::runtime_error("envVarTest line " + std::to_string(i + 1) + ": not 3 fields");
    std::string platform = ct::trim(f[0]);
    if (platform == "W") continue;
    ShellCase c;
    c.name = ct::case_name("L" + std::to_string(i + 1), ct::trim(f[1]));
    c.input = ct::trim(f[1]);
    c.env = env;
    c.result = ct::trim(f[2]);
    c.error = c.result == "error";
    cases.push_back(std::move(c));
  }
  return cases;
}

// wordsTest: "ENV k=v" lines grow the environment; "INPUT | W1,W2" lines test.
std::vector<ShellCase> words_cases() {
  auto text = ct::read_conformance("shell/wordsTest");
  if (!text) return {missing_case()};
  std::vector<std::string> env_list;
  std::vector<ShellCase> cases;
  auto lines = split_lines(*text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("ENV ", 0) == 0) {
      env_list.push_back(line.substr(line.find_first_not_of(' ', 4)));
      continue;
    }
    auto bar = line.find('|');
    if (bar == std::string::npos || line.find('|', bar + 1) != std::string::npos) {
      throw std::runtime_error("wordsTest line " + std::to_string(i + 1) + ": not 2 fields");
    }
    ShellCase c;
    c.input = ct::trim(line.substr(0, bar));
    c.name = ct::case_name("L" + std::to_string(i + 1), c.input);
    c.env = build_shell_env(env_list);
    std::string expected = line.substr(bar + 1);
    expected.erase(0, expected.find_first_not_of(' '));
    size_t start = 0;
    for (size_t comma; (comma = expected.find(',', start)) != std::string::npos; start = comma + 1) {
      c.words.push_back(expected.substr(start, comma - start));
    }
    c.words.push_back(expected.substr(start));
    c.error = c.words.size() == 1 && c.words[0] == "error";
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<ShellCase> process_word_cases() {
  auto text = ct::read_conformance("shell/process-word.json");
  if (!text) return {missing_case()};
  auto doc = nlohmann::json::parse(*text);
  std::vector<ShellCase> cases;
  int n = 0;
  for (const auto& j : doc.at("cases")) {
    ShellCase c;
    c.input = j.at("input").get<std::string>();
    c.name = ct::case_name("C" + std::to_string(++n) + "_" + j.at("upstream_test").get<std::string>(), c.input);
    for (const auto& [k, v] : j.at("env").items()) c.env[k] = v.get<std::string>();
    c.error = j.at("error").get<bool>();
    if (!c.error) c.result = j.at("result").get<std::string>();
    if (j.contains("error_contains")) c.error_contains = j["error_contains"].get<std::string>();
    if (j.contains("matched")) c.matched = j["matched"].get<std::vector<std::string>>();
    if (j.contains("unmatched")) c.unmatched = j["unmatched"].get<std::vector<std::string>>();
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string name_of(const ::testing::TestParamInfo<ShellCase>& info) { return info.param.name; }

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

class EnvVarTest : public ::testing::TestWithParam<ShellCase> {};
class WordsTest : public ::testing::TestWithParam<ShellCase> {};
class ProcessWordTest : public ::testing::TestWithParam<ShellCase> {};

TEST_P(EnvVarTest, ProcessWord) {
  const ShellCase& c = GetParam();
  if (c.missing) GTEST_SKIP() << "conformance corpus not found";
  ShellLexer lex('\\');
  if (c.error) {
    EXPECT_THROW(lex.process_word(c.input, c.env), Error) << "input: " << c.input;
    return;
  }
  EXPECT_EQ(lex.process_word(c.input, c.env), c.result) << "input: " << c.input;
}

TEST_P(WordsTest, ProcessWords) {
  const ShellCase& c = GetParam();
  if (c.missing) GTEST_SKIP() << "conformance corpus not found";
  ShellLexer lex('\\');
  if (c.error) {
    EXPECT_THROW(lex.process_words(c.input, c.env), Error) << "input: " << c.input;
    return;
  }
  EXPECT_EQ(lex.process_words(c.input, c.env), c.words) << "input: " << c.input;
}

TEST_P(ProcessWordTest, WithMatches) {
  const ShellCase& c = GetParam();
  if (c.missing) GTEST_SKIP() << "conformance corpus not found";
  ShellLexer lex('\\');
  if (c.error) {
    try {
      lex.process(c.input, c.env);
      ADD_FAILURE() << "expected an error for " << c.input;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Parse);
      if (c.error_contains) {
        EXPECT_NE(e.message().find(*c.error_contains), std::string::npos) << e.message();
      }
    }
    return;
  }
  auto r = lex.process(c.input, c.env);
  EXPECT_EQ(r.word, c.result);
  if (c.matched) {
    EXPECT_EQ(r.matched, as_set(*c.matched));
  }
  if (c.unmatched) {
    EXPECT_EQ(r.unmatched, as_set(*c.unmatched));
  }
}

INSTANTIATE_TEST_SUITE_P(Conformance, EnvVarTest, ::testing::ValuesIn(env_var_cases()), name_of);
INSTANTIATE_TEST_SUITE_P(Conformance, WordsTest, ::testing::ValuesIn(words_cases()), name_of);
INSTANTIATE_TEST_SUITE_P(Conformance, ProcessWordTest, ::testing::ValuesIn(process_word_cases()), name_of);

TEST(ShellLexer, BacktickEscapeToken) {
  ShellLexer lex(U'`');
  ShellEnv env{{"A", "x"}};
  EXPECT_EQ(lex.process_word("a`$A\\b", env), "a$A\\b");
  EXPECT_EQ(lex.process_word("\"q`\"$A\"", env), "q\"x");
  EXPECT_EQ(lex.process_words("one` two three", env), (std::vector<std::string>{"one two", "three"}));
}

TEST(ShellLexer, ErrorMessagesNameTheWordAndTheReason) {
  ShellLexer lex;
  try {
    lex.process_word("x${V:?must be set}", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Parse);
    EXPECT_EQ(e.message(), "failed to process \"x${V:?must be set}\": V: must be set");
  }
  EXPECT_THROW(lex.process_word("${V:=x}", {}), Error);
  try {
    lex.process_word("${}", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("bad substitution"), std::string::npos) << e.message();
  }
  try {
    lex.process_word("${V#\\x}", {{"V", "abc"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("invalid escape"), std::string::npos) << e.message();
  }
}

TEST(ShellLexer, PatternOperators) {
  ShellLexer lex;
  ShellEnv env{{"P", "/usr/local/lib/libfoo.so.1"}, {"N", "a\nb"}, {"R", "<$$>"}, {"M", "[$0]"}};
  EXPECT_EQ(lex.process_word("${P#*/}", env), "usr/local/lib/libfoo.so.1");
  EXPECT_EQ(lex.process_word("${P##*/}", env), "libfoo.so.1");
  EXPECT_EQ(lex.process_word("${P%.*}", env), "/usr/local/lib/libfoo.so");
  EXPECT_EQ(lex.process_word("${P%%.*}", env), "/usr/local/lib/libfoo");
  EXPECT_EQ(lex.process_word("${P/lib/LIB}", env), "/usr/local/LIB/libfoo.so.1");
  EXPECT_EQ(lex.process_word("${P//lib/LIB}", env), "/usr/local/LIB/LIBfoo.so.1");
  // $$ in the word is the (unset) special parameter; a replace-all
  // replacement is a Go template: "$$" is '$' and "$0" the match.
  EXPECT_EQ(lex.process_word("${P//o/$$}", env), "/usr/lcal/lib/libf.s.1");
  EXPECT_EQ(lex.process_word("${P//o/$R}", env), "/usr/l<$>cal/lib/libf<$><$>.s<$>.1");
  EXPECT_EQ(lex.process_word("${P//s?/$M}", env), "/u[sr]/local/lib/libfoo.[so].1");
  EXPECT_EQ(lex.process_word("${P/s?/$M}", env), "/u[$0]/local/lib/libfoo.so.1");
  // Like Go's '.', '*' does not cross a newline.
  EXPECT_EQ(lex.process_word("${N#*}", env), "a\nb");
  EXPECT_EQ(lex.process_word("${N##*}", env), "\nb");
}

TEST(ShellLexer, OptionsKeepQuotesEscapesAndUnsetReferences) {
  ShellLexerOptions o;
  o.skip_unset_env = true;
  ShellLexer keep(o);
  EXPECT_EQ(keep.process_word("$A ${B} ${C:-d} ${E/x/y}", {}), "$A ${B} ${C:-d} ${E/x/y}");
  o = {};
  o.raw_quotes = true;
  EXPECT_EQ(ShellLexer(o).process_word("'a'\"b\"", {}), "'a'\"b\"");
  o = {};
  o.skip_process_quotes = true;
  EXPECT_EQ(ShellLexer(o).process_word("'$X'", {{"X", "1"}}), "'1'");
  o = {};
  o.raw_escapes = true;
  EXPECT_EQ(ShellLexer(o).process_word("a\\$X", {{"X", "1"}}), "a\\$X");
}

TEST(ShellLexer, BuildShellEnvLastEntryWins) {
  auto env = build_shell_env({"A=1", "B", "A=2=3"});
  EXPECT_EQ(env.at("A"), "2=3");
  EXPECT_EQ(env.at("B"), "");
}

}  // namespace
