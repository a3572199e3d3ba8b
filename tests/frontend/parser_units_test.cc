// parser-units/*.json: vectors for the lower-level parser functions. One
// parametrised test per file, one test per vector (named by its index).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ocbuild/frontend/line_parsers.h"
#include "support/test_env.h"

namespace fs = std::filesystem;
using namespace ocbuild::frontend;
using nlohmann::json;

namespace {

json load(const std::string& file) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) return json::array();
  std::ifstream in(fs::path(*dir) / "parser-units" / file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str())["cases"];
}

std::vector<json> vectors(const std::string& file) {
  json cases = load(file);
  std::vector<json> out(cases.begin(), cases.end());
  if (out.empty()) out.push_back(json{{"missing", true}});
  return out;
}

std::string index_name(const ::testing::TestParamInfo<json>& info) {
  return "case" + std::to_string(info.index);
}

#define SKIP_IF_MISSING(v) \
  if ((v).contains("missing")) GTEST_SKIP() << "conformance corpus not found"

class JsonArrays : public ::testing::TestWithParam<json> {};
class Words : public ::testing::TestWithParam<json> {};
class HeredocWords : public ::testing::TestWithParam<json> {};
class HeredocsFromLine : public ::testing::TestWithParam<json> {};
class Directives : public ::testing::TestWithParam<json> {};
class NameValue : public ::testing::TestWithParam<json> {};

}  // namespace

TEST_P(JsonArrays, Detects) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  JsonArray r = parse_json_array(v["input"].get<std::string>());
  if (v["valid"].get<bool>()) {
    ASSERT_EQ(r.kind, JsonArray::Kind::kStrings) << v.dump();
    EXPECT_EQ(r.values, v["values"].get<std::vector<std::string>>());
  } else {
    EXPECT_EQ(r.kind, JsonArray::Kind::kNonString) << v.dump();
    EXPECT_EQ(kNotStringArrayMessage, v["error"].get<std::string>());
  }
}
INSTANTIATE_TEST_SUITE_P(Units, JsonArrays, ::testing::ValuesIn(vectors("json-arrays.json")), index_name);

TEST_P(Words, Split) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  EXPECT_EQ(split_words(v["input"].get<std::string>()), v["words"].get<std::vector<std::string>>());
}
INSTANTIATE_TEST_SUITE_P(Units, Words, ::testing::ValuesIn(vectors("words.json")), index_name);

TEST_P(HeredocWords, Classifies) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  std::string word = v["word"].get<std::string>();
  std::string result = v["result"].get<std::string>();
  if (result == "error") {
    EXPECT_THROW(parse_heredoc_word(word), ocbuild::Error) << word;
    return;
  }
  auto h = parse_heredoc_word(word);
  if (result == "not-heredoc") {
    EXPECT_FALSE(h.has_value()) << word;
    return;
  }
  ASSERT_TRUE(h.has_value()) << word;
  EXPECT_EQ(h->name, v["name"].get<std::string>());
  EXPECT_EQ(h->expand, v["expand"].get<bool>());
  EXPECT_EQ(h->chomp, v["chomp"].get<bool>());
}
INSTANTIATE_TEST_SUITE_P(Units, HeredocWords, ::testing::ValuesIn(vectors("heredoc-words.json")), index_name);

TEST_P(HeredocsFromLine, Finds) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  std::vector<std::string> names;
  for (const auto& h : heredocs_from_line(v["line"].get<std::string>())) names.push_back(h.name);
  EXPECT_EQ(names, v["heredoc_names"].get<std::vector<std::string>>()) << v["line"];
}
INSTANTIATE_TEST_SUITE_P(Units, HeredocsFromLine, ::testing::ValuesIn(vectors("heredocs-from-line.json")),
                         index_name);

TEST_P(Directives, Parse) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  std::string api = v["api"].get<std::string>();
  std::string input = v["input"].get<std::string>();
  if (api == "directives") {
    auto ds = parse_directives(input);
    ASSERT_EQ(ds.size(), v["directives"].size());
    for (size_t i = 0; i < ds.size(); ++i) {
      EXPECT_EQ(ds[i].name, v["directives"][i]["name"].get<std::string>());
      EXPECT_EQ(ds[i].value, v["directives"][i]["value"].get<std::string>());
    }
    return;
  }
  bool any = api == "detect_syntax";
  auto found = find_directive(input, any ? "syntax" : "check", any);
  ASSERT_EQ(found.has_value(), v["found"].get<bool>()) << input;
  if (!found) return;
  if (v.contains("ref")) {
    EXPECT_EQ(found->ref, v["ref"].get<std::string>());
  }
  if (v.contains("cmdline")) {
    EXPECT_EQ(found->cmdline, v["cmdline"].get<std::string>());
  }
  if (v.contains("line")) {
    EXPECT_EQ(found->line, v["line"].get<int>());
  }
}
INSTANTIATE_TEST_SUITE_P(Units, Directives, ::testing::ValuesIn(vectors("directives.json")), index_name);

TEST_P(NameValue, Nodes) {
  const json& v = GetParam();
  SKIP_IF_MISSING(v);
  std::string keyword = v["instruction"].get<std::string>();
  std::string args = v["args"].get<std::string>();
  if (!v["error"].is_null()) {
    try {
      parse_name_value(args, keyword);
      FAIL() << "no error for " << args;
    } catch (const ocbuild::Error& e) {
      EXPECT_EQ(e.message(), v["error"].get<std::string>());
    }
    return;
  }
  EXPECT_EQ(parse_name_value(args, keyword), v["nodes"].get<std::vector<std::string>>());
}
INSTANTIATE_TEST_SUITE_P(Units, NameValue, ::testing::ValuesIn(vectors("name-value.json")), index_name);
