// The snapshot store with both drivers: real RUN steps through the executor,
// committed, and the layer entries checked.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/snapshot/chain_id.h"
#include "snapshot/id_map.h"
#include "snapshot/snapshot_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

namespace fs = std::filesystem;
using exporter::EntryType;
using exporter::LayerEntry;
using ::testing::ElementsAre;

std::map<std::string, LayerEntry> by_path(const std::vector<LayerEntry>& list) {
  std::map<std::string, LayerEntry> out;
  for (const auto& e : list) out[e.path] = e;
  return out;
}

std::vector<std::string> paths(const std::vector<LayerEntry>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.path);
  return out;
}

TEST(ChainIdTest, FollowsTheOciDefinition) {
  Digest a = Digest::of("a"), b = Digest::of("b"), c = Digest::of("c");
  EXPECT_EQ(chain_id({a}), a);
  Digest ab = Digest::of(a.str() + " " + b.str());
  EXPECT_EQ(chain_id({a, b}), ab);
  EXPECT_EQ(chain_id({a, b, c}), Digest::of(ab.str() + " " + c.str()));
  EXPECT_EQ(chain_id_next(&ab, c), chain_id({a, b, c}));
  EXPECT_THROW(chain_id({}), Error);
}

TEST(DriverTest, ParsesNames) {
  EXPECT_EQ(parse_driver("overlay"), Driver::Overlay);
  EXPECT_EQ(parse_driver("native"), Driver::Native);
  EXPECT_EQ(parse_driver("auto"), Driver::Auto);
  EXPECT_EQ(parse_driver("btrfs"), std::nullopt);
}

const char* kChanges =
    "echo hi > /new.txt && mkdir -p /d/e && echo x > /d/e/f && chmod 600 /etc/group && "
    "rm /bin/vi && rm -rf /home/app && rm -rf /root && echo f > /root && "
    "ln -s /new.txt /link && ln /new.txt /hard && chmod 640 /etc/tagged";

TEST_P(SnapshotTest, LayerHoldsTheRunsChanges) {
  SnapshotStore snapshots(*store_, GetParam());
  auto layers = build(snapshots, {{kChanges, ""}});
  auto list = entries(layers[0]);
  auto e = by_path(list);
  // "hard" sorts first, so it carries the data.
  EXPECT_EQ(e["hard"].type, EntryType::File);
  EXPECT_EQ(e["hard"].size, 3);
  EXPECT_EQ(e["new.txt"].type, EntryType::Hardlink);
  EXPECT_EQ(e["new.txt"].link_target, "hard");
  EXPECT_EQ(e["link"].type, EntryType::Symlink);
  EXPECT_EQ(e["link"].link_target, "/new.txt");
  EXPECT_EQ(e["d/e/f"].type, EntryType::File);
  EXPECT_EQ(e["d/e"].type, EntryType::Dir);
  EXPECT_EQ(e["etc/group"].mode, 0600u);
  EXPECT_EQ(e["etc/tagged"].mode, 0640u);
  EXPECT_EQ(e["etc/tagged"].xattrs, (std::map<std::string, std::string>{{"user.test", "v"}}));
  EXPECT_TRUE(e["bin/.wh.vi"].whiteout);
  EXPECT_TRUE(e["home/.wh.app"].whiteout);
  EXPECT_EQ(e["root"].type, EntryType::File);  // a file replacing a dir: no whiteout
  EXPECT_EQ(e.count(".wh.root"), 0u);
  for (const char* stub : {"etc/hosts", "etc/resolv.conf", "etc/hostname", "proc", "dev", "sys"})
    EXPECT_EQ(e.count(stub), 0u) << stub << " in " << ::testing::PrintToString(paths(list));
  // Nothing unchanged: no busybox, no untouched applets.
  EXPECT_EQ(e.count("bin/busybox"), 0u);
  EXPECT_EQ(e.count("etc/passwd"), 0u);
  for (const auto& entry : list) EXPECT_LE(entry.mtime, 1700000000) << entry.path;
}

TEST_P(SnapshotTest, ReplacedDirIsOpaque) {
  SnapshotStore snapshots(*store_, GetParam());
  auto layers = build(snapshots, {{"mkdir /op && touch /op/a /op/b", ""},
                                  {"rm -rf /op && mkdir /op && touch /op/c", ""}});
  auto e = by_path(entries(layers[1]));
  EXPECT_TRUE(e.count("op/.wh..wh..opq"));
  EXPECT_TRUE(e.count("op/c"));
  EXPECT_EQ(e.count("op/.wh.a"), 0u);
  EXPECT_EQ(e.count("op/a"), 0u);
}

TEST_P(SnapshotTest, UserAppOwnsItsFiles) {
  if (!many_ids_mapped()) GTEST_SKIP() << "USER app needs a subordinate id range";
  SnapshotStore snapshots(*store_, GetParam());
  auto layers = build(snapshots, {{"touch /tmp/mine && mkdir /tmp/sub", "app"}});
  auto e = by_path(entries(layers[0]));
  EXPECT_EQ(e["tmp/mine"].uid, 1000);
  EXPECT_EQ(e["tmp/mine"].gid, 1000);
  EXPECT_EQ(e["tmp/sub"].uid, 1000);
  EXPECT_EQ(e["tmp"].uid, 0);  // the parent, as the image has it
}

TEST_P(SnapshotTest, WritingEtcHostsLeavesNoTrace) {
  SnapshotStore snapshots(*store_, GetParam());
  auto layers = build(snapshots, {{"echo '1.2.3.4 extra' >> /etc/hosts && echo ok > /etc/ok", ""}});
  auto e = by_path(entries(layers[0]));
  EXPECT_EQ(e.count("etc/hosts"), 0u);
  EXPECT_TRUE(e.count("etc/ok"));
}

TEST_P(SnapshotTest, NextPrepareSeesTheCommit) {
  SnapshotStore snapshots(*store_, GetParam());
  auto layers = build(snapshots, {{kChanges, ""}});
  EXPECT_TRUE(snapshots.has(layers[0].chain_id));
  EXPECT_EQ(layers[0].chain_id, chain_id({base_.diff_id, layers[0].layer.diff_id}));
  EXPECT_TRUE(store_->has(layers[0].layer.blob.digest));
  ActiveSnapshot next = snapshots.prepare(layers[0].chain_id);
  Recorded r = run_on(next, {"cat /new.txt /hard /d/e/f /root && test ! -e /bin/vi && test ! -e /home/app && "
                             "stat -c %a /etc/group && test ! -e /etc/hosts.bak", ""});
  EXPECT_TRUE(r.result.ok()) << ::testing::PrintToString(r.err);
  EXPECT_THAT(r.out, ElementsAre("hi", "hi", "x", "f", "600"));
}

TEST_P(SnapshotTest, CrashedUnpackIsNotUsed) {
  std::string root = store_->root() + "/snapshots";
  {
    SnapshotStore snapshots(*store_, GetParam());
  }
  // What a crash leaves: a half-unpacked temp dir and a dir without meta.
  make_dirs(root + "/tmp/unpack-crashed/fs/bin");
  // Committed dirs are named by the id mapping too (snapshot_store.h).
  std::string committed = root + "/committed/" + base_.diff_id.hex() +
                          (::geteuid() == 0 ? std::string() : id_map_tag(plan_id_maps()));
  make_dirs(committed + "/fs/half");
  SnapshotStore snapshots(*store_, GetParam());
  EXPECT_FALSE(snapshots.has(base_.diff_id));
  ActiveSnapshot active = snapshots.prepare(std::vector<LayerRef>{base_});
  EXPECT_TRUE(snapshots.has(base_.diff_id));
  EXPECT_FALSE(fs::exists(committed + "/fs/half"));
  Recorded r = run_on(active, {"cat /etc/tagged", ""});
  EXPECT_THAT(r.out, ElementsAre("tagged"));
}

TEST_P(SnapshotTest, ConcurrentPrepareOfOneChain) {
  pid_t pids[2];
  for (pid_t& pid : pids) {
    pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        SnapshotStore snapshots(*store_, GetParam());
        bool ok = false;
        {
          ActiveSnapshot active = snapshots.prepare(std::vector<LayerRef>{base_});
          ok = snapshots.has(base_.diff_id);
        }
        ::_exit(ok ? 0 : 1);
      } catch (const std::exception& e) {
        ::fprintf(stderr, "child: %s\n", e.what());
        ::_exit(2);
      }
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  SnapshotStore snapshots(*store_, GetParam());
  EXPECT_TRUE(snapshots.has(base_.diff_id));
  EXPECT_TRUE(fs::is_empty(snapshots.root() + "/active"));
  EXPECT_TRUE(fs::is_empty(snapshots.root() + "/tmp"));
}

TEST_P(SnapshotTest, DiscardRemovesTheActiveSnapshot) {
  SnapshotStore snapshots(*store_, GetParam());
  {
    ActiveSnapshot active = snapshots.prepare(std::vector<LayerRef>{base_});
    run_on(active, {"mkdir -p /x/y && chmod 0 /x/y && touch /tmp/t", ""});
    EXPECT_FALSE(fs::is_empty(snapshots.root() + "/active"));
  }
  EXPECT_TRUE(fs::is_empty(snapshots.root() + "/active"));
  ActiveSnapshot again = snapshots.prepare(std::vector<LayerRef>{base_});
  snapshots.discard(again);
  EXPECT_TRUE(fs::is_empty(snapshots.root() + "/active"));
}

TEST_P(SnapshotTest, ScratchSnapshot) {
  SnapshotStore snapshots(*store_, GetParam());
  ActiveSnapshot active = snapshots.prepare(std::optional<Digest>());
  if (GetParam() == Driver::Native) {
    // No shell in scratch: write the file as the test.
    as_container_root([&] {
      write_file_atomic(std::get<PlainRoot>(active.root()).dir + "/only", "1\n");
      return std::string();
    });
  } else {
    as_container_root([&] {
      write_file_atomic(std::get<OverlayRoot>(active.root()).upper_dir + "/only", "1\n");
      return std::string();
    });
  }
  CommitResult c = snapshots.commit(active, epoch_options());
  EXPECT_EQ(c.chain_id, c.layer.diff_id);
  EXPECT_THAT(paths(entries(c)), ElementsAre("only"));
}

INSTANTIATE_TEST_SUITE_P(Drivers, SnapshotTest, ::testing::Values(Driver::Overlay, Driver::Native), driver_name);

}  // namespace
}  // namespace ocbuild::snapshot::test
