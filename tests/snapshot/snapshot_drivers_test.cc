// The overlay and native drivers must write the same layers for the same
// steps (SOURCE_DATE_EPOCH set), so a build's digests do not depend on the
// host's snapshotter.
#include "ocbuild/core/error.h"
#include "snapshot/snapshot_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

class DriverParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = probe_userns()) GTEST_SKIP() << why->c_str();
    if (auto why = probe_overlay()) GTEST_SKIP() << why->c_str();
    busybox_ = ocbuild::testing::static_busybox();
    if (!busybox_) GTEST_SKIP() << "busybox-static is not installed";
    tmp_ = std::make_unique<TempDir>("ocbuild-parity-");
  }

  void TearDown() override { SnapshotTest::remove_as_container_root(std::move(tmp_)); }

  // Runs the steps with one driver in a store of its own; returns layer digests.
  std::vector<std::string> digests(Driver driver, const std::vector<Step>& steps) {
    std::string dir = tmp_->path() + "/" + to_string(driver);
    make_dirs(dir);
    ContentStore store(dir + "/store");
    LayerRef base = SnapshotTest::make_base(store, dir, *busybox_);
    SnapshotStore snapshots(store, driver);
    std::optional<Digest> parent = snapshots.unpack({base});
    std::vector<std::string> out;
    for (const auto& step : steps) {
      ActiveSnapshot active = snapshots.prepare(parent);
      RunSpec spec;
      spec.root = active.root();
      spec.argv = shell_argv({}, step.command);
      spec.user = step.user;
      std::vector<std::string> err;
      spec.on_output = [&](std::string_view line, bool is_stderr) { if (is_stderr) err.emplace_back(line); };
      RunResult r = Executor().run(spec);
      EXPECT_TRUE(r.ok()) << step.command << ": " << ::testing::PrintToString(err);
      active.record(r);
      CommitResult c = snapshots.commit(active, epoch_options());
      out.push_back(c.layer.diff_id.str() + " " + c.layer.blob.digest.str());
      parent = c.chain_id;
    }
    return out;
  }

  std::optional<std::string> busybox_;
  std::unique_ptr<TempDir> tmp_;
};

TEST_F(DriverParityTest, SameStepsSameLayers) {
  std::vector<Step> steps = {
      {"echo a > /created && mkdir -p /new/dir/deep && echo b > /new/dir/deep/f", ""},
      {"echo more >> /created && chmod 755 /created && touch -d @1600000000 /etc/group", ""},
      {"rm /bin/vi && rm -rf /home && rm -rf /root && echo file > /root", ""},
      {"rm -rf /new/dir && mkdir /new/dir && echo c > /new/dir/g", ""},
      {"ln -s /created /sym && ln /created /hard && ln /etc/tagged /etc/tagged2", ""},
      {"chmod 600 /etc/tagged && mkdir /var/empty && mkfifo /var/fifo", ""},
      {"echo x >> /etc/hosts; rm /created", ""},
  };
  if (many_ids_mapped()) steps.push_back({"touch /tmp/owned && mkdir /tmp/appdir", "app"});
  auto overlay = digests(Driver::Overlay, steps);
  auto native = digests(Driver::Native, steps);
  ASSERT_EQ(overlay.size(), steps.size());
  for (size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(overlay[i], native[i]) << steps[i].command;
}

}  // namespace
}  // namespace ocbuild::snapshot::test
