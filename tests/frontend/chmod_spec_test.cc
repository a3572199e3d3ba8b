// ChmodSpec: BuildKit's --chmod rules (octal, or BSD setmode symbolic modes
// with umask 0). Known answers, then a cross-check against chmod(1).
#include "ocbuild/frontend/chmod_spec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/frontend/line_parsers.h"
#include "support/test_env.h"

namespace ocbuild::frontend {
namespace {

uint32_t apply(const std::string& spec, uint32_t mode, bool is_dir = false) {
  auto s = ChmodSpec::parse(spec);
  EXPECT_TRUE(s.has_value()) << spec;
  return s ? s->apply(mode, is_dir) : 0xffffffff;
}

TEST(ChmodSpec, OctalReplacesTheMode) {
  EXPECT_EQ(apply("0755", 0600), 0755u);
  EXPECT_EQ(apply("644", 0777, true), 0644u);
  EXPECT_EQ(apply("4755", 0), 04755u);
  EXPECT_FALSE(ChmodSpec::parse("0755")->symbolic());
}

TEST(ChmodSpec, SymbolicKnownAnswers) {
  EXPECT_EQ(apply("u+x", 0644), 0744u);
  EXPECT_EQ(apply("+x", 0644), 0755u);
  EXPECT_EQ(apply("go-w", 0666), 0644u);
  EXPECT_EQ(apply("u=rwx,g=rx,o=", 0644), 0750u);
  EXPECT_EQ(apply("a=r", 0777), 0444u);
  EXPECT_EQ(apply("=", 0777), 0u);
  EXPECT_EQ(apply("u+x-w", 0644), 0544u);
  EXPECT_EQ(apply("g=u", 0640), 0660u);
  EXPECT_EQ(apply("go=u-w", 0755), 0755u);
  EXPECT_EQ(apply("o=g,g-r", 0640), 0604u);
  EXPECT_EQ(apply("u+s", 0755), 04755u);
  EXPECT_EQ(apply("+t", 0755), 01755u);
  EXPECT_EQ(apply("o+s", 0755), 0755u);  // set-id for "other" alone is ignored
  EXPECT_EQ(apply("o+t", 0755), 0755u);  // so is sticky (GNU chmod sets it)
  EXPECT_EQ(apply("u=g", 04750), 04550u);  // copying bits keeps set-id (GNU clears it)
  EXPECT_TRUE(ChmodSpec::parse("u+x")->symbolic());
}

TEST(ChmodSpec, CapitalXIsForDirectoriesAndExecutables) {
  EXPECT_EQ(apply("+X", 0644), 0644u);
  EXPECT_EQ(apply("+X", 0644, true), 0755u);
  EXPECT_EQ(apply("+X", 0744), 0755u);
  EXPECT_EQ(apply("a=rw,+X", 0700), 0777u);  // X looks at the mode before the change
  EXPECT_EQ(apply("a=rw,+X", 0600), 0666u);
  // BuildKit's setmode port honours X only with '+' (BSD and GNU also with '=').
  EXPECT_EQ(apply("go-rwx,u=rwX", 0640, true), 0600u);
}

TEST(ChmodSpec, RejectsWhatBuildKitRejects) {
  for (const char* bad : {"", "999", "07778", "17777", "u", "x", "u+z", "u+x,", ",u+x", "u+x,,g+w", "abc", "u*x",
                          "0x755", "rwx"}) {
    EXPECT_FALSE(ChmodSpec::parse(bad).has_value()) << bad;
    EXPECT_FALSE(is_valid_chmod(bad)) << bad;
  }
  for (const char* good : {"u+x", "go-w", "u=rwx,g=rx,o=", "+x", "a+X", "u+", "=", "ug=rw,o-rwx", "u=g", "07777"})
    EXPECT_TRUE(is_valid_chmod(good)) << good;
}

// chmod(1) with umask 0 follows the same rules for regular files, except
// for the set-id and sticky corner cases pinned above.
TEST(ChmodSpec, MatchesChmodCommandOnFiles) {
  if (!testing::have_program("chmod")) GTEST_SKIP() << "no chmod";
  TempDir dir("chmod-spec-");
  std::string f = dir.path() + "/f";
  std::FILE* fp = std::fopen(f.c_str(), "w");
  ASSERT_NE(fp, nullptr);
  std::fclose(fp);
  const char* specs[] = {"u+x", "go-w", "u=rwx,g=rx,o=", "+x", "-x", "a+X", "u=g", "g=u-w", "o=u,u-r", "ug+s",
                         "+t", "=r,+w", "u=rwx,go=u-w", "g+rX,o-r", "a-rwx,u+rw"};
  for (const char* spec : specs) {
    for (uint32_t start : {0644u, 0755u, 0600u, 0711u, 0070u, 0751u}) {
      ASSERT_EQ(::chmod(f.c_str(), start), 0);
      auto r = testing::run_command("umask 0 && chmod " + std::string(spec) + " " + f + " 2>&1");
      ASSERT_EQ(r.status, 0) << r.output;
      struct stat st;
      ASSERT_EQ(::stat(f.c_str(), &st), 0);
      EXPECT_EQ(apply(spec, start), st.st_mode & 07777) << spec << " on 0" << std::oct << start;
    }
  }
}

}  // namespace
}  // namespace ocbuild::frontend
