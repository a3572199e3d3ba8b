// End-to-end reproducibility: the same tree written in two directories, with
// different mtimes (all after SOURCE_DATE_EPOCH), umask and creation order,
// imports to the same image digest; `ocbuild diff` says identical and, after
// one byte changes, names exactly that file. Also the offline busybox base.
#include <gtest/gtest.h>

#include <filesystem>

#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild {
namespace {

using testing::CommandResult;

class Reproducibility : public ::testing::Test {
 protected:
  CommandResult ocb(const std::string& args) const {
    return testing::run_command(testing::ocbuild_binary() + " --root " + tmp_.path() + "/store " + args);
  }
  // Writes the same files in a different order, umask and mtime.
  void make_tree(const std::string& dir, bool reversed, const char* umask, const char* mtime) const {
    std::string files = reversed ? "c/z.txt b/y.txt a/x.txt" : "a/x.txt b/y.txt c/z.txt";
    std::string script = "set -e; umask " + std::string(umask) + "; mkdir -p " + dir + "; cd " + dir +
                         "; for f in " + files + "; do mkdir -p $(dirname $f); echo \"content of $f\" > $f; done;"
                         " chmod 0644 a/x.txt b/y.txt c/z.txt; chmod 0755 a b c; ln -sf a/x.txt link;"
                         " find . -exec touch -h -d '" + mtime + "' {} +";
    auto r = testing::run_command(script);
    ASSERT_EQ(r.status, 0) << r.output;
  }
  std::string import(const std::string& dir, const std::string& tag) const {
    auto r = ocb("import --source-date-epoch 1700000000 -t " + tag + " " + dir + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    return r.output;
  }
  TempDir tmp_;
};

TEST_F(Reproducibility, SameTreeSameDigestAndDiffNamesTheChangedFile) {
  make_tree(tmp_.path() + "/one", false, "022", "2024-01-01 10:00:00");
  make_tree(tmp_.path() + "/elsewhere/two", true, "077", "2025-06-01 12:00:00");
  // umask 077 made the directories 0700 before chmod: chmod restored them, as
  // a careful user would; the layer must not depend on the creation order.
  std::string a = import(tmp_.path() + "/one", "repro:a");
  std::string b = import(tmp_.path() + "/elsewhere/two", "repro:b");
  EXPECT_EQ(a, b);

  auto same = ocb("diff repro:a repro:b");
  EXPECT_EQ(same.status, 0) << same.output;
  EXPECT_NE(same.output.find("identical"), std::string::npos) << same.output;

  auto r = testing::run_command("printf 'Content of b/y.txt\\n' > " + tmp_.path() +
                                "/elsewhere/two/b/y.txt && touch -d '2025-06-01 12:00:00' " + tmp_.path() +
                                "/elsewhere/two/b/y.txt");
  ASSERT_EQ(r.status, 0);
  std::string c = import(tmp_.path() + "/elsewhere/two", "repro:c");
  EXPECT_NE(a, c);
  auto differ = ocb("diff repro:a repro:c");
  EXPECT_EQ(differ.status, 1) << differ.output;
  EXPECT_NE(differ.output.find("file b/y.txt: content differs"), std::string::npos) << differ.output;
  EXPECT_EQ(differ.output.find("a/x.txt"), std::string::npos) << differ.output;
  EXPECT_EQ(differ.output.find("c/z.txt"), std::string::npos) << differ.output;
}

TEST_F(Reproducibility, DiffAcceptsSavedImagesAndFailsClearly) {
  make_tree(tmp_.path() + "/t", false, "022", "2024-01-01 10:00:00");
  import(tmp_.path() + "/t", "saved:1");
  ASSERT_EQ(ocb("save saved:1 --format oci -o " + tmp_.path() + "/s.tar").status, 0);
  ASSERT_EQ(ocb("save saved:1 --format docker -o " + tmp_.path() + "/d.tar").status, 0);
  auto r = ocb("diff saved:1 " + tmp_.path() + "/s.tar");
  EXPECT_EQ(r.status, 0) << r.output;
  // A docker-archive keeps uncompressed layers, so the manifest differs while
  // every file is the same: diff must say so without naming a file.
  r = ocb("diff saved:1 " + tmp_.path() + "/d.tar");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.find("file "), std::string::npos) << r.output;
  r = ocb("diff saved:1 nosuch:image");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("nosuch"), std::string::npos) << r.output;
}

TEST_F(Reproducibility, BusyboxBaseImageIsValidAndReproducible) {
  if (!testing::have_program("umoci") || !std::filesystem::exists("/bin/busybox"))
    GTEST_SKIP() << "needs umoci and busybox-static";
  std::string script = testing::source_dir() + "/tests/make-busybox-image.sh " + testing::ocbuild_binary();
  auto first = testing::run_command("OCBUILD_ROOT=" + tmp_.path() + "/store " + script + " busybox:latest");
  ASSERT_EQ(first.status, 0) << first.output;
  auto second = testing::run_command("OCBUILD_ROOT=" + tmp_.path() + "/store2 " + script + " busybox:latest");
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_EQ(first.output, second.output);  // the manifest digest

  auto unpack = testing::run_command("cd " + tmp_.path() + " && umoci unpack --rootless --image store:busybox:latest bundle");
  ASSERT_EQ(unpack.status, 0) << unpack.output;
  std::string rootfs = tmp_.path() + "/bundle/rootfs";
  EXPECT_TRUE(std::filesystem::is_symlink(rootfs + "/bin/sh"));
  auto passwd = testing::run_command("grep '^app:x:1000:1000:' " + rootfs + "/etc/passwd");
  EXPECT_EQ(passwd.status, 0) << passwd.output;
  auto sh = testing::run_command(rootfs + "/bin/busybox sh -c 'echo ok'");
  EXPECT_EQ(sh.output, "ok\n");
}

}  // namespace
}  // namespace ocbuild
