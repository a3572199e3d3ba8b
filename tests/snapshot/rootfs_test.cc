// RUN changes to the root file system: a plain directory changed in place, an
// overlay whose upper dir receives the diff, many lower dirs, extra mounts.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "snapshot/run_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

bool is_whiteout(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

class OverlayTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (IsSkipped()) return;
    if (auto why = probe_overlay()) GTEST_SKIP() << why->c_str();
    upper_ = tmp_->path() + "/upper";
    work_ = tmp_->path() + "/work";
    make_dirs(upper_);
    make_dirs(work_);
  }

  RunSpec overlay_spec(const std::string& command, std::vector<std::string> lowers = {}) const {
    RunSpec s = spec(command);
    lowers.push_back(rootfs_);
    s.root = OverlayRoot{lowers, upper_, work_, std::nullopt};
    return s;
  }

  std::string upper_, work_;
};

TEST_F(RunTest, PlainDirectoryIsChangedInPlace) {
  auto r = sh("echo new > /created; rm /bin/ls; mkdir -p /var/lib/x; echo changed >> /etc/passwd");
  EXPECT_EQ(r.result.exit_code, 0);
  EXPECT_EQ(read_file(rootfs_ + "/created"), "new\n");
  EXPECT_FALSE(fs::exists(fs::symlink_status(rootfs_ + "/bin/ls")));
  EXPECT_TRUE(fs::is_directory(rootfs_ + "/var/lib/x"));
  EXPECT_THAT(read_file(rootfs_ + "/etc/passwd"), HasSubstr("changed\n"));
}

TEST_F(RunTest, ChownNeedsAMappedRange) {
  auto r = sh("touch /tmp/f && chown 1000:100 /tmp/f && stat -c '%u:%g' /tmp/f");
  if (!many_ids_mapped()) {
    EXPECT_NE(r.result.exit_code, 0);
    return;
  }
  EXPECT_THAT(r.out, ElementsAre("1000:100"));
  struct stat st {};
  ASSERT_EQ(::stat((rootfs_ + "/tmp/f").c_str(), &st), 0);
  if (::geteuid() == 0) EXPECT_EQ(st.st_uid, 1000u);  // identity map as root
  else EXPECT_NE(st.st_uid, ::geteuid());             // a subordinate uid
}

TEST_F(OverlayTest, ChangesGoToTheUpperDir) {
  auto r = record(overlay_spec("echo new > /created; rm /bin/ls; rm -r /home; echo more >> /etc/group; cat /created"));
  EXPECT_THAT(r.out, ElementsAre("new"));
  EXPECT_EQ(read_file(upper_ + "/created"), "new\n");
  EXPECT_TRUE(is_whiteout(upper_ + "/bin/ls"));
  EXPECT_TRUE(is_whiteout(upper_ + "/home")) << ::testing::PrintToString(r.err);
  EXPECT_THAT(read_file(upper_ + "/etc/group"), HasSubstr("more\n"));
  // The lower dir is untouched.
  EXPECT_TRUE(fs::is_symlink(rootfs_ + "/bin/ls"));
  EXPECT_FALSE(fs::exists(rootfs_ + "/created"));
  EXPECT_EQ(read_file(rootfs_ + "/etc/group").find("more"), std::string::npos);
  // Mount stubs that were created in the upper dir are reported and empty.
  EXPECT_THAT(r.result.created_paths, ::testing::IsSupersetOf({"/proc", "/dev", "/etc/hosts"}));
  EXPECT_EQ(fs::file_size(upper_ + "/etc/hosts"), 0u);
}

TEST_F(OverlayTest, UserFromTheUpperLayer) {
  make_dirs(upper_ + "/etc");
  write_file_atomic(upper_ + "/etc/passwd", "root:x:0:0::/root:/bin/sh\nbuilder:x:0:0::/srv:/bin/sh\n");
  RunSpec s = overlay_spec("echo $HOME");
  s.user = "builder";
  EXPECT_THAT(record(s).out, ElementsAre("/srv"));
}

TEST_F(OverlayTest, RecreatedDirIsOpaqueWithUserXattr) {
  auto r = record(overlay_spec("rm -r /home && mkdir /home && ls -A /home | wc -l"));
  EXPECT_THAT(r.out, ElementsAre("0"));
  char value[8] = {};
  ASSERT_EQ(::getxattr((upper_ + "/home").c_str(), "user.overlay.opaque", value, sizeof value), 1);
  EXPECT_EQ(value[0], 'y');
}

TEST_F(OverlayTest, HundredsOfLowerDirsWithLongPaths) {
  std::vector<std::string> lowers;
  std::string long_name(100, 'x');
  for (int i = 0; i < 150; ++i) {
    std::string dir = tmp_->path() + "/layers/" + long_name + std::to_string(i) + "/fs";
    make_dirs(dir + "/layers");
    write_file_atomic(dir + "/layers/" + std::to_string(i), std::to_string(i) + "\n");
    write_file_atomic(dir + "/layers/top", std::to_string(i) + "\n");
    lowers.push_back(dir);
  }
  auto r = record(overlay_spec("ls /layers | wc -l; cat /layers/top /layers/149", lowers));
  EXPECT_THAT(r.out, ElementsAre("151", "0", "149"));
}

TEST_F(OverlayTest, MissingLowerDirIsNamed) {
  try {
    record(overlay_spec("true", {tmp_->path() + "/nope"}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_THAT(e.what(), HasSubstr("/nope"));
  }
}

TEST_F(RunTest, BindAndTmpfsMounts) {
  TempDir ro("ocbuild-ro-"), rw("ocbuild-rw-");
  write_file_atomic(ro.path() + "/in", "input\n");
  RunSpec s = spec("cat /src/in; echo x > /src/out 2>/dev/null || echo ro; echo y > /out/result; "
                   "echo z > /cache/tmp && cat /cache/tmp");
  s.mounts = {{MountSpec::Type::Bind, ro.path(), "/src", true, ""},
              {MountSpec::Type::Bind, rw.path(), "/out", false, ""},
              {MountSpec::Type::Tmpfs, "", "/cache", false, "1m"}};
  auto r = record(s);
  EXPECT_THAT(r.out, ElementsAre("input", "ro", "z"));
  EXPECT_EQ(read_file(rw.path() + "/result"), "y\n");
  EXPECT_FALSE(fs::exists(ro.path() + "/out"));
  EXPECT_TRUE(fs::is_empty(rootfs_ + "/cache"));
  EXPECT_THAT(r.result.created_paths, ::testing::IsSupersetOf({"/src", "/out", "/cache"}));
}

TEST_F(RunTest, RelativeMountTargetIsInvalid) {
  RunSpec s = spec("true");
  s.mounts = {{MountSpec::Type::Tmpfs, "", "cache", false, ""}};
  EXPECT_THROW(record(s), Error);
}

}  // namespace
}  // namespace ocbuild::snapshot::test
