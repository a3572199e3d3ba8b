// `ocbuild debug graph`: the real binary prints the plan as JSON.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

using ocbuild::testing::ocbuild_binary;
using ocbuild::testing::run_command;

TEST(DebugGraphCli, PrintsThePlanAsJson) {
  ocbuild::TempDir dir;
  std::string path = dir.path() + "/Dockerfile";
  std::ofstream(path) << "ARG V=1\nFROM busybox:$V AS build\nARG V\nRUN echo $V\nFROM scratch AS unused\n"
                         "FROM scratch\nCOPY --from=build /out /\n";
  auto r = run_command(ocbuild_binary() + " debug graph -f " + path + " --build-arg V=2 --build-arg NOPE=1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("warning: one or more build-args [NOPE] were not consumed", 0), 0u) << r.output;
  auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_EQ(j["kept"], nlohmann::json({0, 2}));
  EXPECT_EQ(j["stages"][0]["image"], "busybox:2");
  EXPECT_EQ(j["stages"][0]["steps"][1]["run_args"]["V"], "2");
  EXPECT_EQ(j["stages"][2]["steps"][0]["from"]["stage"], 0);
  EXPECT_EQ(j["edges"].size(), 2u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("NOPE"), std::string::npos);
}

TEST(DebugGraphCli, UnknownTargetFails) {
  ocbuild::TempDir dir;
  std::string path = dir.path() + "/Dockerfile";
  std::ofstream(path) << "FROM scratch AS build\n";
  auto r = run_command(ocbuild_binary() + " debug graph -f " + path + " --target bulid");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("target stage \"bulid\" could not be found (did you mean build?)"), std::string::npos)
      << r.output;
}
