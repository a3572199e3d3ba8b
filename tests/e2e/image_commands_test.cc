// End-to-end: the image commands (images, inspect, history, tag, rmi, save,
// load) run as the real ocbuild binary against a store built in the test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/temp_dir.h"
#include "support/oci_validate.h"
#include "support/test_env.h"
#include "support/test_image.h"

namespace ocbuild {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;

class ImageCommands : public ::testing::Test {
 protected:
  void SetUp() override { img_ = testing::make_test_image(store_, "app:1.0"); }
  CommandResult ocb(const std::string& args, const std::string& root = "") const {
    return testing::run_command(testing::ocbuild_binary() + " --root " + (root.empty() ? store_.root() : root) + " " +
                                args);
  }
  std::string path(const std::string& n) const { return tmp_.path() + "/" + n; }
  TempDir tmp_;
  ContentStore store_{tmp_.path() + "/store"};
  testing::TestImage img_;
};

TEST_F(ImageCommands, ImagesTableAndJson) {
  auto r = ocb("images");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.substr(0, r.output.find('\n')).find("REPOSITORY   TAG   DIGEST"), 0u) << r.output;
  EXPECT_NE(r.output.find("app          1.0   " + img_.manifest.digest.str()), std::string::npos) << r.output;
  r = ocb("images --format json 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["repository"], "app");
  EXPECT_EQ(j[0]["tag"], "1.0");
  int64_t want = img_.manifest.size + *store_.blob_size(img_.config) + *store_.blob_size(img_.layer);
  EXPECT_EQ(j[0]["size"].get<int64_t>(), want);
}

TEST_F(ImageCommands, InspectByTagDigestAndNameAtDigest) {
  for (const std::string& ref : {std::string("app:1.0"), img_.manifest.digest.str(), "app@" + img_.manifest.digest.str()}) {
    auto r = ocb("inspect " + ref + " 2>/dev/null");
    ASSERT_EQ(r.status, 0) << ref << ": " << r.output;
    auto j = nlohmann::json::parse(r.output);
    EXPECT_EQ(j["Digest"], img_.manifest.digest.str());
    EXPECT_EQ(j["Config"]["config"]["Labels"]["test.ref"], "app:1.0");
    EXPECT_EQ(j["Manifest"]["layers"][0]["digest"], img_.layer.str());
  }
  auto r = ocb("inspect app:2.0");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("image not found: app:2.0"), std::string::npos) << r.output;
}

TEST_F(ImageCommands, HistoryNewestFirst) {
  auto r = ocb("history app:1.0");
  ASSERT_EQ(r.status, 0) << r.output;
  auto cmd = r.output.find("CMD [\"/bin/sh\"]");
  auto add = r.output.find("ADD rootfs / # app:1.0");
  ASSERT_NE(cmd, std::string::npos) << r.output;
  ASSERT_NE(add, std::string::npos) << r.output;
  EXPECT_LT(cmd, add);
}

TEST_F(ImageCommands, TagAndRmiCollectGarbage) {
  ASSERT_EQ(ocb("tag app:1.0 other/app:2").status, 0);
  EXPECT_EQ(store_.resolve("other/app:2")->digest, img_.manifest.digest);
  EXPECT_NE(ocb("tag app:9 x").status, 0);
  auto r = ocb("rmi app:1.0");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Untagged: app:1.0"), std::string::npos);
  EXPECT_TRUE(store_.has(img_.layer));  // other/app:2 still uses it
  r = ocb("rmi other/app:2 missing:1");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Deleted: 3 blobs"), std::string::npos) << r.output;
  EXPECT_FALSE(store_.has(img_.layer));
  EXPECT_TRUE(store_.list_tags().empty());
}

TEST_F(ImageCommands, SaveAndLoadEachFormat) {
  for (const std::string& format : {"oci", "oci-dir", "docker"}) {
    std::string out = path("out-" + format);
    auto r = ocb("save app:1.0 --format " + format + " -o " + out);
    ASSERT_EQ(r.status, 0) << format << ": " << r.output;
    std::string root2 = path("root-" + format);
    r = ocb("load " + out, root2);
    ASSERT_EQ(r.status, 0) << format << ": " << r.output;
    EXPECT_EQ(r.output, "Loaded image: app:1.0\n");
    r = ocb("inspect app:1.0 2>/dev/null", root2);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(nlohmann::json::parse(r.output)["ConfigDigest"], img_.config.str());
    if (testing::oci_schema_dir()) EXPECT_EQ(testing::validate_oci_layout(root2), "") << format;
    if (testing::have_program("umoci")) {
      r = testing::run_command("cd " + tmp_.path() + " && umoci unpack --rootless --image " + root2 + ":app:1.0 b-" +
                               format);
      ASSERT_EQ(r.status, 0) << r.output;
      EXPECT_EQ(read_file(path("b-" + format + "/rootfs/hello.txt")), "hello from app:1.0\n");
    }
  }
  EXPECT_NE(ocb("save app:1.0 --format zip -o " + path("z")).status, 0);
  EXPECT_NE(ocb("load " + path("nothing-here")).status, 0);
}

TEST_F(ImageCommands, ConcurrentTagProcesses) {
  std::string script;
  for (int p = 0; p < 3; p++) {
    script += "(for i in 1 2 3 4 5 6 7 8; do " + testing::ocbuild_binary() + " --root " + store_.root() +
              " tag app:1.0 p" + std::to_string(p) + ":$i || exit 1; done) & ";
  }
  auto r = testing::run_command(script + "wait");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(store_.list_tags().size(), 1u + 3u * 8u);
}

}  // namespace
}  // namespace ocbuild
