// Hostile layers, built by hand with libarchive: nothing may be written,
// linked or removed outside the target directory.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_applier.h"

using namespace ocbuild;
using namespace ocbuild::exporter;
namespace fs = std::filesystem;

namespace {

// Writes a gzip'd tar of raw entries, names exactly as given.
class EvilTar {
 public:
  explicit EvilTar(std::string path) : path_(std::move(path)), a_(archive_write_new()) {
    archive_write_set_format_pax(a_);
    archive_write_add_filter_gzip(a_);
    archive_write_open_filename(a_, path_.c_str());
  }
  ~EvilTar() { archive_write_free(a_); }
  EvilTar& file(const std::string& name, const std::string& data) { return add(name, AE_IFREG, data, "", ""); }
  EvilTar& dir(const std::string& name) { return add(name, AE_IFDIR, "", "", ""); }
  EvilTar& symlink(const std::string& name, const std::string& to) { return add(name, AE_IFLNK, "", to, ""); }
  EvilTar& hardlink(const std::string& name, const std::string& to) { return add(name, AE_IFREG, "", "", to); }
  EvilTar& chardev(const std::string& name) {
    archive_entry* e = entry(name, AE_IFCHR);
    archive_entry_set_rdev(e, makedev(1, 3));
    archive_write_header(a_, e);
    archive_entry_free(e);
    return *this;
  }
  const std::string& close() {
    archive_write_close(a_);
    return path_;
  }

 private:
  archive_entry* entry(const std::string& name, mode_t type) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_mtime(e, 1700000000, 0);
    return e;
  }
  EvilTar& add(const std::string& name, mode_t type, const std::string& data, const std::string& sym,
               const std::string& hard) {
    archive_entry* e = entry(name, type);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    if (!sym.empty()) archive_entry_set_symlink(e, sym.c_str());
    if (!hard.empty()) archive_entry_set_hardlink(e, hard.c_str());
    archive_write_header(a_, e);
    if (!data.empty()) archive_write_data(a_, data.data(), data.size());
    archive_entry_free(e);
    return *this;
  }
  std::string path_;
  archive* a_;
};

// A sandbox: box/target is where layers go, box/outside holds a victim file
// that must stay untouched, box/blobs holds the evil layers.
class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(target());
    fs::create_directories(outside());
    fs::create_directories(box_.path() + "/blobs");
    write_file_atomic(victim(), "original");
  }
  std::string target() const { return box_.path() + "/target"; }
  std::string outside() const { return box_.path() + "/outside"; }
  std::string victim() const { return outside() + "/victim"; }
  std::string blob(const std::string& name) const { return box_.path() + "/blobs/" + name; }

  // Everything outside the target is as SetUp left it (plus the blobs).
  void expect_outside_untouched() const {
    EXPECT_EQ(read_file(victim()), "original");
    struct stat st {};
    ASSERT_EQ(::lstat(victim().c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 1u) << "victim was hard-linked";
    EXPECT_EQ(std::distance(fs::directory_iterator(outside()), fs::directory_iterator()), 1);
    std::vector<std::string> top;
    for (auto& e : fs::directory_iterator(box_.path())) top.push_back(e.path().filename());
    std::sort(top.begin(), top.end());
    EXPECT_EQ(top, (std::vector<std::string>{"blobs", "outside", "target"}));
  }

  // Applies and expects a refusal naming the layer and the entry.
  void expect_refused(const std::string& layer, const std::string& entry) {
    ApplyOptions o;
    o.layer_name = "sha256:evil";
    try {
      apply_layer(layer, target(), o);
      ADD_FAILURE() << "layer was applied";
    } catch (const Error& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("sha256:evil"), std::string::npos) << what;
      EXPECT_NE(what.find(entry), std::string::npos) << what;
    }
  }

  TempDir box_;
};

TEST_F(Hostile, DotDotTraversalIsRefused) {
  expect_refused(EvilTar(blob("l")).file("../escape", "x").close(), "../escape");
  expect_refused(EvilTar(blob("l2")).file("a/../../outside/victim", "pwned").close(), "a/../../outside/victim");
  expect_outside_untouched();
}

TEST_F(Hostile, AbsolutePathIsRefused) {
  expect_refused(EvilTar(blob("l")).file(victim(), "pwned").close(), victim());
  expect_outside_untouched();
}

TEST_F(Hostile, WriteThroughSymlinkStaysInside) {
  // Absolute and relative symlinks to the outside, then a file "under" them.
  EvilTar t(blob("l"));
  t.symlink("abs", outside()).symlink("rel", "../outside").file("abs/victim", "pwned-abs");
  t.file("rel/victim", "pwned-rel");
  try {
    apply_layer(t.close(), target());
  } catch (const Error&) {
    // refusing is fine too; following is not
  }
  expect_outside_untouched();
}

// Absolute symlinks are resolved as the image sees them (like containerd's
// scoped paths): "lib -> /usr/lib" sends "lib/x" to target/usr/lib/x.
TEST_F(Hostile, AbsoluteSymlinkResolvesInsideTheRoot) {
  apply_layer(EvilTar(blob("l")).dir("usr/").dir("usr/lib/").symlink("lib", "/usr/lib").file("lib/x", "in").close(),
              target());
  EXPECT_EQ(read_file(target() + "/usr/lib/x"), "in");
  expect_outside_untouched();
}

TEST_F(Hostile, FileReplacesSymlinkInsteadOfFollowingIt) {
  apply_layer(EvilTar(blob("l")).symlink("v", victim()).file("v", "pwned").close(), target());
  expect_outside_untouched();
  EXPECT_EQ(read_file(target() + "/v"), "pwned");
  EXPECT_FALSE(fs::is_symlink(target() + "/v"));
}

TEST_F(Hostile, HardLinkEscapesAreRefused) {
  expect_refused(EvilTar(blob("l1")).hardlink("h", "../outside/victim").close(), "h");
  expect_refused(EvilTar(blob("l2")).hardlink("h", victim()).close(), "h");
  expect_refused(EvilTar(blob("l3")).symlink("d", outside()).hardlink("h", "d/victim").close(), "h");
  expect_outside_untouched();
}

TEST_F(Hostile, WhiteoutThroughSymlinkRemovesNothingOutside) {
  EvilTar t(blob("l"));
  t.symlink("d", outside()).file("d/.wh.victim", "");
  try {
    apply_layer(t.close(), target());
  } catch (const Error&) {
  }
  expect_refused(EvilTar(blob("l2")).file("x/.wh..", "").close(), "x/.wh..");
  expect_outside_untouched();
}

TEST_F(Hostile, DeviceNodesSkippedWhenNotAllowed) {
  ApplyOptions o;
  o.create_devices = false;
  ApplyResult r = apply_layer(EvilTar(blob("l")).chardev("dev").file("after", "ok").close(), target(), o);
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() + "/dev")));
  EXPECT_EQ(read_file(target() + "/after"), "ok");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("dev"), std::string::npos);
}

// A real unprivileged process: mknod fails, the node is skipped with a
// warning and the rest of the layer still lands.
TEST_F(Hostile, DeviceNodesAsNonRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another uid";
  std::string layer = EvilTar(blob("l")).chardev("dev").file("after", "ok").close();
  ASSERT_EQ(::chown(target().c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chmod(box_.path().c_str(), 0755), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 0;
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0)
      _exit(10);
    try {
      ApplyResult r = apply_layer(layer, target());
      code = r.warnings.empty() ? 11 : 0;
    } catch (...) {
      code = 12;
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() + "/dev")));
  EXPECT_EQ(read_file(target() + "/after"), "ok");
}

}  // namespace
