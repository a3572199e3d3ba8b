// The OCI schema validator (tests/tools/validate_oci.py) against the
// image-spec vectors, then against every document the content store writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/temp_dir.h"
#include "support/oci_validate.h"
#include "support/test_image.h"

namespace ocbuild {
namespace {

namespace fs = std::filesystem;

struct VectorCase {
  std::string name;  // "<file stem>_<index>"
  std::string key;   // "<file stem>/<index>" as the script prints it
  std::string comment;
  bool valid = false;
};

std::vector<VectorCase> vector_cases() {
  std::vector<VectorCase> out;
  auto conf = testing::conformance_dir();
  if (!conf) return out;
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(*conf + "/oci-schema/vectors")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& p : files) {
    std::ifstream in(p);
    auto j = nlohmann::json::parse(in);
    std::string stem = p.stem().string();
    for (size_t i = 0; i < j["cases"].size(); i++)
      out.push_back({stem + "_" + std::to_string(i), stem + "/" + std::to_string(i),
                     j["cases"][i].value("comment", ""), j["cases"][i].value("valid", false)});
  }
  return out;
}

// Runs the script once over all vector files; case key -> {valid, error}.
const std::map<std::string, std::pair<bool, std::string>>& script_results() {
  static std::map<std::string, std::pair<bool, std::string>> results;
  static std::once_flag once;
  std::call_once(once, [] {
    auto dir = testing::oci_schema_dir();
    if (!dir) return;
    auto r = testing::run_command("python3 " + testing::source_dir() + "/tests/tools/validate_oci.py --schema-dir " +
                                  *dir + " vectors " + *dir + "/vectors/*.json");
    std::istringstream lines(r.output);
    std::string line;
    while (std::getline(lines, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;
      results[j["case"]] = {j["valid"].get<bool>(), j["error"].get<std::string>()};
    }
  });
  return results;
}

class OciSchemaVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(OciSchemaVectors, MatchesExpectedValidity) {
  if (!testing::oci_schema_dir()) GTEST_SKIP() << "conformance corpus or python3-jsonschema missing";
  const auto& c = GetParam();
  auto it = script_results().find(c.key);
  ASSERT_NE(it, script_results().end()) << "validator printed no result for " << c.key;
  EXPECT_EQ(it->second.first, c.valid) << c.comment << "\nvalidator: " << it->second.second;
}

INSTANTIATE_TEST_SUITE_P(Conformance, OciSchemaVectors, ::testing::ValuesIn(vector_cases()),
                         [](const auto& info) { return info.param.name; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OciSchemaVectors);

TEST(OciSchemaStore, EverythingTheStoreWritesValidates) {
  if (!testing::oci_schema_dir()) GTEST_SKIP() << "conformance corpus or python3-jsonschema missing";
  TempDir tmp;
  ContentStore store(tmp.path());
  EXPECT_EQ(testing::validate_oci_layout(tmp.path()), "");  // empty store
  auto a = testing::make_test_image(store, "app:1.0");
  auto b = testing::make_test_image(store, "localhost:5000/team/app:2");
  Index idx;
  Descriptor da = a.manifest, db = b.manifest;
  da.platform = Platform{"amd64", "linux", "", {}, ""};
  db.platform = Platform{"arm64", "linux", "", {}, "v8"};
  idx.manifests = {da, db};
  store.tag("multi:1", store.put_index(idx));
  EXPECT_EQ(testing::validate_oci_layout(tmp.path()), "");
}

TEST(OciSchemaStore, ValidatorRejectsABadDocument) {
  if (!testing::oci_schema_dir()) GTEST_SKIP() << "conformance corpus or python3-jsonschema missing";
  TempDir tmp;
  std::ofstream(tmp.path() + "/bad.json") << R"({"architecture":"amd64","os":"linux","config":{"Env":["NOEQUALS"]},)"
                                             R"("rootfs":{"type":"layers","diff_ids":[]}})";
  EXPECT_NE(testing::validate_oci("config", {tmp.path() + "/bad.json"}).status, 0);
}

}  // namespace
}  // namespace ocbuild
