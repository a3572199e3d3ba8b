// `ocbuild debug parse`: the real binary on real Dockerfiles.
#include <gtest/gtest.h>

#include <fstream>

#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

using ocbuild::testing::ocbuild_binary;
using ocbuild::testing::run_command;

TEST(DebugParseCli, DumpsFileAndStdin) {
  ocbuild::TempDir dir;
  std::string path = dir.path() + "/Dockerfile";
  std::ofstream(path) << "FROM alpine AS build\nCOPY --chown=1:1 [\"a\", \"b\"]\n";
  auto r = run_command(ocbuild_binary() + " debug parse -f " + path);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "(from \"alpine\" \"AS\" \"build\")\n(copy [\"--chown=1:1\"] \"a\" \"b\")\n");
  auto in = run_command("printf 'FROM x\\nRUN echo hi\\n' | " + ocbuild_binary() + " debug parse -f -");
  EXPECT_EQ(in.status, 0) << in.output;
  EXPECT_EQ(in.output, "(from \"x\")\n(run \"echo hi\")\n");
}

TEST(DebugParseCli, ErrorIsLocatedAndNonZero) {
  auto r = run_command("printf 'FROM x\\nCOPY --chwon=1 a b\\n' | " + ocbuild_binary() + " debug parse -f -");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("Dockerfile:2:6: unknown flag --chwon for COPY (did you mean --chown?)"), std::string::npos)
      << r.output;
  auto missing = run_command(ocbuild_binary() + " debug parse -f /nonexistent/Dockerfile");
  EXPECT_NE(missing.status, 0);
}
