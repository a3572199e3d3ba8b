// USER resolution against /etc/passwd and /etc/group in image layers.
#include "ocbuild/snapshot/user_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::snapshot {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class UserSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_dirs(top() + "/etc");
    make_dirs(base() + "/etc");
    write_file_atomic(base() + "/etc/passwd",
                      "# comment\nroot:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
                      "svc:x:2000:3000::/srv:/bin/false\nbroken:x:abc:0::/:/bin/sh\n");
    write_file_atomic(base() + "/etc/group",
                      "root:x:0:\nwheel:x:10:app,svc\nstaff:x:50:svc\napp:x:1000:\nsvcgrp:x:3000:\n");
  }
  std::string top() const { return dir_.path() + "/top"; }
  std::string base() const { return dir_.path() + "/base"; }
  ResolvedUser resolve(const std::string& spec) const { return resolve_user(spec, {top(), base()}); }

  TempDir dir_{"ocbuild-userspec-"};
};

TEST_F(UserSpecTest, NameGivesUidGidHomeAndSupplementaryGroups) {
  auto u = resolve("svc");
  EXPECT_EQ(u.uid, 2000u);
  EXPECT_EQ(u.gid, 3000u);
  EXPECT_EQ(u.home, "/srv");
  EXPECT_THAT(u.supplementary, ElementsAre(10u, 50u));
}

TEST_F(UserSpecTest, NumericUidFoundOrNot) {
  auto app = resolve("1000");
  EXPECT_EQ(app.gid, 1000u);
  EXPECT_THAT(app.supplementary, ElementsAre(10u));
  auto anon = resolve("4242");
  EXPECT_EQ(anon.uid, 4242u);
  EXPECT_EQ(anon.gid, 0u);
  EXPECT_EQ(anon.home, "/");
  EXPECT_THAT(anon.supplementary, IsEmpty());
}

TEST_F(UserSpecTest, ExplicitGroupHasNoSupplementaryGroups) {
  auto u = resolve("svc:staff");
  EXPECT_EQ(u.gid, 50u);
  EXPECT_THAT(u.supplementary, IsEmpty());
  EXPECT_EQ(resolve("app:77").gid, 77u);
  EXPECT_EQ(resolve("5:wheel").uid, 5u);
}

TEST_F(UserSpecTest, UnknownNamesAndBadSpecs) {
  EXPECT_THROW(resolve("ghost"), Error);
  EXPECT_THROW(resolve("app:ghosts"), Error);
  EXPECT_THROW(resolve("app:"), Error);
  try {
    resolve("ghost");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
}

TEST_F(UserSpecTest, UpperLayerWinsAndWhiteoutHides) {
  write_file_atomic(top() + "/etc/passwd", "app:x:1500:1500::/opt:/bin/sh\n");
  EXPECT_EQ(resolve("app").uid, 1500u);
  std::filesystem::remove(top() + "/etc/passwd");
  if (::mknod((top() + "/etc/passwd").c_str(), S_IFCHR | 0, makedev(0, 0)) != 0)
    GTEST_SKIP() << "cannot create a whiteout device here";
  EXPECT_THROW(resolve("app"), Error);
  EXPECT_EQ(resolve("0").uid, 0u);
}

TEST_F(UserSpecTest, SymlinkedPasswdResolvesInsideTheLayer) {
  std::filesystem::remove_all(base() + "/etc");
  make_dirs(base() + "/etc");
  make_dirs(base() + "/real");
  write_file_atomic(base() + "/real/passwd", "inside:x:7:7::/:/bin/sh\n");
  std::filesystem::create_symlink("/real/passwd", base() + "/etc/passwd");
  EXPECT_EQ(resolve("inside").uid, 7u);
  // A link that climbs out to a host file stays in the layer: not found.
  write_file_atomic(dir_.path() + "/hostpasswd", "hostonly:x:9:9::/:/bin/sh\n");
  std::filesystem::remove(base() + "/etc/passwd");
  std::filesystem::create_symlink("/../../../../../.." + dir_.path() + "/hostpasswd", base() + "/etc/passwd");
  EXPECT_THROW(resolve("hostonly"), Error);
  EXPECT_EQ(resolve("9").gid, 0u);
}

}  // namespace
}  // namespace ocbuild::snapshot
