#pragma once
// Shared fixture of the snapshot store tests: a ContentStore in a temp dir
// holding a busybox base layer (written as container root, so its owners are
// 0 whoever runs the test), and helpers that run RUN steps on a driver and
// commit them. Tests are parametrised by driver; overlay is skipped (with the
// reason) where it cannot be mounted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/xattr.h>

#include <memory>
#include <string>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_reader.h"
#include "ocbuild/export/layer_writer.h"
#include "ocbuild/snapshot/executor.h"
#include "ocbuild/snapshot/snapshot_store.h"
#include "snapshot/run_fixture.h"
#include "snapshot/userns_helper.h"
#include "support/busybox_rootfs.h"

namespace ocbuild::snapshot::test {

inline exporter::LayerWriteOptions epoch_options() {
  exporter::LayerWriteOptions o;
  o.source_date_epoch = 1700000000;
  return o;
}

struct Step {
  std::string command;
  std::string user;
};

class SnapshotTest : public ::testing::TestWithParam<Driver> {
 public:
  void SetUp() override {
    if (auto why = probe_userns()) GTEST_SKIP() << why->c_str();
    if (GetParam() == Driver::Overlay)
      if (auto why = probe_overlay()) GTEST_SKIP() << why->c_str();
    auto busybox = ocbuild::testing::static_busybox();
    if (!busybox) GTEST_SKIP() << "busybox-static is not installed";
    tmp_ = std::make_unique<TempDir>("ocbuild-snaptest-");
    store_ = std::make_unique<ContentStore>(tmp_->path() + "/store");
    base_ = make_base(*store_, tmp_->path(), *busybox);
  }

  // Snapshots hold files of subordinate ids when run as nobody: remove them
  // as container root.
  void TearDown() override { remove_as_container_root(std::move(tmp_)); }

  static void remove_as_container_root(std::unique_ptr<TempDir> dir) {
    if (!dir) return;
    std::string path = dir->release();
    as_container_root([&] {
      remove_tree_noexcept(path);
      return std::string();
    });
  }

  // The busybox tree plus a file with a user xattr, as one layer.
  static LayerRef make_base(ContentStore& store, const std::string& tmp, const std::string& busybox) {
    std::string rootfs = tmp + "/rootfs", blob = tmp + "/base.tar";
    as_container_root([&] {
      ocbuild::testing::make_busybox_rootfs(rootfs, busybox);
      write_file_atomic(rootfs + "/etc/tagged", "tagged\n");
      if (::lsetxattr((rootfs + "/etc/tagged").c_str(), "user.test", "v", 1, 0) != 0)
        throw Error::io("setxattr", errno);
      exporter::LayerWriteOptions plain = epoch_options();
      plain.compression.compression = Compression::None;  // diff_id = digest
      exporter::write_layer_from_dir(rootfs, plain, blob);
      return std::string();
    });
    // The layer was written in the child: read its record back from the file.
    Digest digest = store.ingest_file(blob);
    LayerRef ref;
    ref.blob.media_type = layer_media_type(Compression::None);
    ref.blob.digest = digest;
    ref.blob.size = *store.blob_size(digest);
    ref.diff_id = digest;
    return ref;
  }

  Recorded run_on(ActiveSnapshot& active, const Step& step) {
    RunSpec spec;
    spec.root = active.root();
    spec.argv = shell_argv({}, step.command);
    spec.user = step.user;
    Recorded r;
    spec.on_output = [&](std::string_view line, bool is_stderr) { (is_stderr ? r.err : r.out).emplace_back(line); };
    spec.on_warning = [&](std::string_view w) { r.warnings.emplace_back(w); };
    r.result = Executor().run(spec);
    active.record(r.result);
    return r;
  }

  // Runs each step on the previous one's commit; returns the layers.
  std::vector<CommitResult> build(SnapshotStore& snapshots, const std::vector<Step>& steps) {
    std::optional<Digest> parent = snapshots.unpack({base_});
    std::vector<CommitResult> out;
    for (const auto& step : steps) {
      ActiveSnapshot active = snapshots.prepare(parent);
      Recorded r = run_on(active, step);
      EXPECT_TRUE(r.result.ok()) << step.command << ": " << ::testing::PrintToString(r.err);
      out.push_back(snapshots.commit(active, epoch_options()));
      parent = out.back().chain_id;
    }
    return out;
  }

  std::vector<exporter::LayerEntry> entries(const CommitResult& c) const {
    return exporter::read_layer_entries(store_->blob_path(c.layer.blob.digest));
  }

  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<ContentStore> store_;
  LayerRef base_;
};

inline std::string driver_name(const ::testing::TestParamInfo<Driver>& info) { return to_string(info.param); }

}  // namespace ocbuild::snapshot::test
