// LowerFs: the merged view of unpacked layer dirs (overlay format) that COPY
// and WORKDIR read parent directories from, and symlink resolution in it.
#include "solver/lower_fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::solver {
namespace {

class LowerFsTest : public ::testing::Test {
 protected:
  std::string layer(const std::string& name) {
    std::string d = tmp_.path() + "/" + name;
    make_dirs(d);
    return d;
  }
  static void mkdir_mode(const std::string& path, mode_t mode) {
    make_dirs(path);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }
  static void touch(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  TempDir tmp_;
};

TEST_F(LowerFsTest, TopLayerWinsAndKeepsMetadata) {
  std::string low = layer("low"), top = layer("top");
  mkdir_mode(low + "/home/app", 0755);
  mkdir_mode(top + "/home/app", 0700);
  LowerFs fs({top, low});
  auto e = fs.lookup("/home/app");
  ASSERT_TRUE(e);
  EXPECT_TRUE(S_ISDIR(e->st.st_mode));
  EXPECT_EQ(e->st.st_mode & 07777, 0700u);
  EXPECT_TRUE(fs.lookup("/home"));
  EXPECT_FALSE(fs.lookup("/nope"));
  EXPECT_TRUE(fs.lookup("/"));
  EXPECT_FALSE(LowerFs().lookup("/home"));
}

TEST_F(LowerFsTest, WhiteoutsAndOpaqueDirsHideLowerLayers) {
  if (::geteuid() != 0) GTEST_SKIP() << "whiteouts are 0/0 character devices: mknod needs root";
  std::string low = layer("low"), top = layer("top");
  mkdir_mode(low + "/gone/sub", 0755);
  mkdir_mode(low + "/opaque/old", 0755);
  touch(low + "/opaque/keep-not");
  ASSERT_EQ(::mknod((top + "/gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
  mkdir_mode(top + "/opaque/new", 0755);
  ASSERT_EQ(::lsetxattr((top + "/opaque").c_str(), "user.overlay.opaque", "y", 1, 0), 0);
  LowerFs fs({top, low});
  EXPECT_FALSE(fs.lookup("/gone"));
  EXPECT_FALSE(fs.lookup("/gone/sub"));
  EXPECT_TRUE(fs.lookup("/opaque/new"));
  EXPECT_FALSE(fs.lookup("/opaque/old"));
  EXPECT_FALSE(fs.lookup("/opaque/keep-not"));
}

TEST_F(LowerFsTest, AFileInAnUpperLayerHidesALowerDirectory) {
  std::string low = layer("low"), top = layer("top");
  mkdir_mode(low + "/x/y", 0755);
  touch(top + "/x");
  LowerFs fs({top, low});
  EXPECT_FALSE(fs.lookup("/x/y"));
  ASSERT_TRUE(fs.lookup("/x"));
  EXPECT_TRUE(S_ISREG(fs.lookup("/x")->st.st_mode));
}

TEST_F(LowerFsTest, ResolveFollowsLinksInsideTheRoot) {
  std::string low = layer("low"), top = layer("top");
  mkdir_mode(low + "/tmp/target", 0755);
  ASSERT_EQ(::symlink("../tmp/target", (top + "/rel").c_str()), 0);
  ASSERT_EQ(::symlink("/tmp/target", (top + "/abs").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../tmp", (top + "/escape").c_str()), 0);
  ASSERT_EQ(::symlink("loop", (top + "/loop").c_str()), 0);
  LowerFs fs({top, low});
  EXPECT_EQ(fs.resolve("/rel", true), "/tmp/target");
  EXPECT_EQ(fs.resolve("/rel", false), "/rel");
  EXPECT_EQ(fs.resolve("/rel/new/file", false), "/tmp/target/new/file");
  EXPECT_EQ(fs.resolve("/abs/./x/../y", true), "/tmp/target/y");
  EXPECT_EQ(fs.resolve("/escape/x", true), "/tmp/x");
  EXPECT_THROW(fs.resolve("/loop/x", true), Error);
  EXPECT_EQ(fs.resolve("/", true), "/");
}

}  // namespace
}  // namespace ocbuild::solver
