// `ocbuild du` and `ocbuild prune` end to end: prune removes the records
// whose blobs are gone; prune --all frees snapshots, cache mounts and
// records (du says so); a build afterwards still works; --keep-storage
// removes the least recently used cache first and nothing while a build runs.
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "e2e/build_fixture.h"
#include "e2e/step_output.h"
#include "ocbuild/core/atomic_file.h"

namespace ocbuild::e2e {
namespace {

class Prune : public BuildSuite {
 protected:
  // COUNT of a `du` row ("snapshots   3   1.2MB").
  static long du_count(const std::string& du, const std::string& type) {
    std::smatch m;
    if (!std::regex_search(du, m, std::regex("(^|\n)" + type + " +([0-9]+) "))) return -1;
    return std::stol(m[2]);
  }
  // Bytes allocated under the parts `du` counts (GNU du: hard links once).
  static uint64_t used_bytes() {
    auto r = testing::run_command("cd " + store() + " && du -s -B1 -c blobs snapshots cache-mounts cache | tail -1");
    return std::stoull(r.output);
  }
  // A context whose RUN writes `bytes` of random data (a layer that does not compress).
  static std::string random_layer_context(const std::string& name, int bytes) {
    std::string ctx = scratch(name);
    EXPECT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
    write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN head -c " + std::to_string(bytes) +
                                               " /dev/urandom > /" + name + "\n");
    return ctx;
  }
};

TEST_F(Prune, AllFreesSpaceAndALaterBuildWorks) {
  std::string ctx = scratch("prune-all");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile",
                    "FROM busybox:latest AS tmp\nRUN --mount=type=cache,target=/c dd if=/dev/zero of=/c/big bs=1k "
                    "count=512 && echo x > /x && echo y > /y\nFROM busybox:latest\nCOPY --from=tmp /x /x\n");
  auto r = ocb("build --progress plain -t pruned:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  auto du = ocb("du");
  ASSERT_EQ(du.status, 0) << du.output;
  EXPECT_GT(du_count(du.output, "snapshots"), 0) << du.output;
  EXPECT_GT(du_count(du.output, "cache mounts"), 0) << du.output;
  EXPECT_GT(du_count(du.output, "cache records"), 0) << du.output;
  long blobs_before = du_count(du.output, "blobs");

  auto p = ocb("prune --all");
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("Total reclaimed space"), std::string::npos) << p.output;
  du = ocb("du");
  EXPECT_EQ(du_count(du.output, "snapshots"), 0) << du.output;
  EXPECT_EQ(du_count(du.output, "cache mounts"), 0) << du.output;
  EXPECT_EQ(du_count(du.output, "cache records"), 0) << du.output;
  // The tmp stage's RUN layer was reachable from no tag.
  EXPECT_LT(du_count(du.output, "blobs"), blobs_before) << du.output;
  ASSERT_TRUE(image("pruned:1"));  // images stay

  r = ocb("build --progress plain --explain -t pruned:2 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cache miss: first build of this target"), std::string::npos) << r.output;
  EXPECT_TRUE(image("pruned:2"));
}

TEST_F(Prune, RemovesRecordsWhoseBlobIsGone) {
  std::string ctx = scratch("prune-stale");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN echo stale > /s\n");
  auto r = ocb("build --progress plain -t stale:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  long records = du_count(ocb("du").output, "cache records");
  // The RUN's layer blob goes (rmi keeps it for the cache: remove it by
  // hand), its record stays, stale.
  auto built = image("stale:1");
  ASSERT_TRUE(built);
  ASSERT_EQ(ocb("rmi stale:1").status, 0);
  std::string layer = store() + "/blobs/sha256/" + built->manifest.layers.back().digest.hex();
  ASSERT_TRUE(std::filesystem::remove(layer)) << "rmi removed a layer a cache record needs";
  EXPECT_EQ(du_count(ocb("du").output, "cache records"), records);
  auto p = ocb("prune");
  ASSERT_EQ(p.status, 0) << p.output;
  // At least the RUN's record goes (the suite's store may hold other stale
  // ones), and du counts exactly as many fewer records as prune says.
  auto at = p.output.find("Deleted: ");
  ASSERT_NE(at, std::string::npos) << p.output;
  long deleted = std::stol(p.output.substr(at + 9));
  EXPECT_GE(deleted, 1) << p.output;
  EXPECT_EQ(du_count(ocb("du").output, "cache records"), records - deleted);
  r = ocb("build --progress plain -t stale:2 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(step_cached(r.output, "RUN echo stale")) << r.output;
}

// A hit whose layer blob is gone (no prune in between) is a miss that
// runs again, never a failure.
TEST_F(Prune, AHitWhoseBlobIsGoneRunsAgain) {
  std::string ctx = scratch("blob-gone");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN echo gone > /g\n");
  auto r = ocb("build --progress plain -t gone:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  auto built = image("gone:1");
  ASSERT_TRUE(built);
  ASSERT_TRUE(std::filesystem::remove(store() + "/blobs/sha256/" + built->manifest.layers.back().digest.hex()));
  r = ocb("build --progress plain -t gone:2 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(step_cached(r.output, "RUN echo gone")) << r.output;
  EXPECT_EQ(testing::run_command("cat " + unpack("gone:2") + "/g").output, "gone\n");
}

// Like `docker rmi`, rmi keeps what the build cache needs: the same
// Dockerfile rebuilds from the cache alone, to the same image.
TEST_F(Prune, RmiKeepsTheBuildCache) {
  std::string ctx = scratch("rmi-cache");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN echo one > /one\nCOPY Dockerfile /df\n"
                                         "RUN echo two > /two\n");
  auto r = ocb("build --progress plain -t rmicache:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string first = printed_digest(r.output);
  ASSERT_FALSE(first.empty()) << r.output;
  auto rm = ocb("rmi rmicache:1");
  ASSERT_EQ(rm.status, 0) << rm.output;
  ASSERT_FALSE(image("rmicache:1"));
  r = ocb("build --progress plain -t rmicache:2 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(step_cached(r.output, "RUN echo one")) << r.output;
  EXPECT_TRUE(step_cached(r.output, "COPY Dockerfile")) << r.output;
  EXPECT_TRUE(step_cached(r.output, "RUN echo two")) << r.output;
  EXPECT_EQ(printed_digest(r.output), first) << r.output;
  EXPECT_EQ(testing::run_command("cat " + unpack("rmicache:2") + "/two").output, "two\n");
}


// --keep-storage: the least recently used cache goes first (a cache hit
// renews a record), with the blob and snapshot only it needed, until the
// store is under the size; tagged images stay; what was kept still hits.
TEST_F(Prune, KeepStorageRemovesTheLeastRecentlyUsedCacheFirst) {
  constexpr int kLayer = 2 << 20;
  std::string a = random_layer_context("keep-a", kLayer), b = random_layer_context("keep-b", kLayer);
  ASSERT_EQ(ocb("build --progress plain " + a).status, 0);
  auto rb = ocb("build --progress plain " + b);
  ASSERT_EQ(rb.status, 0) << rb.output;
  auto ra = ocb("build --progress plain " + a);  // a hit: a is now newer than b
  ASSERT_TRUE(step_cached(ra.output, "RUN head")) << ra.output;
  ASSERT_EQ(ocb("prune").status, 0);  // drops what nothing needs (untagged manifests...)

  uint64_t before = used_bytes();
  uint64_t keep = before - (3 << 19);  // one of the two layers (blob and snapshot: 4 MiB) must go
  auto p = ocb("prune --keep-storage " + std::to_string(keep));
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("Deleted: 1 snapshots"), std::string::npos) << p.output;
  uint64_t after = used_bytes();
  EXPECT_LE(after, keep + (64 << 10)) << p.output;
  EXPECT_GE(before - after, uint64_t(2 * kLayer) - (256 << 10)) << p.output;
  EXPECT_GE(after + (8 << 20), before) << "more than b's layer went: " << p.output;
  EXPECT_TRUE(image("busybox:latest"));

  ra = ocb("build --progress plain " + a);
  ASSERT_EQ(ra.status, 0) << ra.output;
  EXPECT_TRUE(step_cached(ra.output, "RUN head")) << "a was used last and kept: " << ra.output;
  rb = ocb("build --progress plain " + b);
  ASSERT_EQ(rb.status, 0) << rb.output;
  EXPECT_FALSE(step_cached(rb.output, "RUN head")) << "b was the least recently used: " << rb.output;

  // Nothing to keep: every cache record goes, the tagged base stays usable.
  p = ocb("prune --keep-storage 0");
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_EQ(du_count(ocb("du").output, "cache records"), 0) << p.output;
  ra = ocb("build --progress plain -t keep:a " + a);
  ASSERT_EQ(ra.status, 0) << ra.output;
  EXPECT_FALSE(step_cached(ra.output, "RUN head")) << ra.output;
  EXPECT_NE(ocb("prune --keep-storage 5XB").status, 0);
}

// prune --keep-storage while a build runs: it does its work (no waiting
// for the build), and what the build leased stays usable.
TEST_F(Prune, KeepStorageWhileABuildRunsRemovesNothingInUse) {
  std::string ctx = scratch("keep-busy");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN echo one > /one\nRUN sleep 2 && echo two > /two\n");
  testing::CommandResult build;
  std::thread builder([&] { build = ocb("build --progress plain --no-cache -t busy:1 " + ctx); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the second RUN is running
  auto p = ocb("prune --keep-storage 0");
  builder.join();
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_EQ(p.output.find("a build holds the store"), std::string::npos) << p.output;
  ASSERT_EQ(build.status, 0) << build.output;
  EXPECT_EQ(testing::run_command("umoci raw unpack --image " + store() + ":busy:1 " + scratch("busy-rootfs") +
                                 " >/dev/null 2>&1 && cat " + scratch("busy-rootfs") + "/one " +
                                 scratch("busy-rootfs") + "/two").output,
            "one\ntwo\n");
}

// prune --all while a build runs deletes the old cache nobody leases, and
// not what the build uses (a hit's layer and snapshot, the base image's,
// the snapshots under the RUN that runs): the build ends with a correct image.
TEST_F(Prune, AllWhileABuildRunsKeepsWhatItUses) {
  std::string old = random_layer_context("lease-old", 1000);
  auto r = ocb("build --progress plain -t leaseold:1 " + old);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string old_layer = store() + "/blobs/sha256/" + image("leaseold:1")->manifest.layers.back().digest.hex();
  ASSERT_EQ(ocb("rmi leaseold:1").status, 0);
  ASSERT_TRUE(std::filesystem::exists(old_layer));  // a cache record keeps it

  std::string pre = scratch("lease-pre"), ctx = scratch("lease-run");
  ASSERT_EQ(testing::run_command("mkdir -p " + pre + " " + ctx).status, 0);
  write_file_atomic(pre + "/Dockerfile", "FROM busybox:latest\nRUN echo one > /one\n");
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN echo one > /one\nRUN sleep 3 && echo two > /two\n");
  ASSERT_EQ(ocb("build --progress plain " + pre).status, 0);
  testing::CommandResult build;
  std::thread builder([&] { build = ocb("build --progress plain -t leased:1 " + ctx); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // RUN sleep is running
  auto p = ocb("prune --all");
  builder.join();
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_EQ(p.output.find("a build holds the store"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find(" snapshots ("), std::string::npos) << p.output;
  EXPECT_FALSE(std::filesystem::exists(old_layer)) << p.output;
  ASSERT_EQ(build.status, 0) << build.output << "\nprune:\n" << p.output;
  EXPECT_TRUE(step_cached(build.output, "RUN echo one")) << build.output;
  std::string rootfs = unpack("leased:1");
  EXPECT_EQ(testing::run_command("cat " + rootfs + "/one " + rootfs + "/two").output, "one\ntwo\n");
  EXPECT_TRUE(!std::filesystem::exists(store() + "/leases") || std::filesystem::is_empty(store() + "/leases"));
}

// A SIGKILLed build's lease is stale (its flock died with it): the next
// prune removes the lease and what the build left.
TEST_F(Prune, AKilledBuildsLeaseIsStale) {
  std::string ctx = scratch("lease-killed");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN sleep 10\n");
  std::string pid = scratch("killed.pid");
  std::thread builder([&] {
    testing::run_command("sh -c 'echo $$ > " + pid + "; exec " + testing::ocbuild_binary() + " --root " + store() +
                         " build --progress plain " + ctx + " > " + scratch("killed.log") + " 2>&1'");
  });
  auto leases = [&] {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(store() + "/leases")) out.push_back(e.path().string());
    return out;
  };
  bool running = false;
  for (int i = 0; i < 200 && !running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    running = std::filesystem::exists(store() + "/leases") && !leases().empty() &&
              !std::filesystem::is_empty(store() + "/snapshots/active");
  }
  if (running) std::this_thread::sleep_for(std::chrono::milliseconds(500));  // into the RUN
  auto killed = testing::run_command("kill -9 $(cat " + pid + ")");
  builder.join();
  ASSERT_TRUE(running) << "no lease while the build ran: " << read_file(scratch("killed.log"));
  ASSERT_EQ(killed.status, 0);
  ASSERT_EQ(leases().size(), 1u);
  auto p = ocb("prune");
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_TRUE(leases().empty()) << p.output;
  EXPECT_TRUE(std::filesystem::is_empty(store() + "/snapshots/active")) << p.output;
}

// What a killed build leaves (an active snapshot, an unpack in progress, a
// rw bind copy, a filtered context view) goes with a plain prune when no
// build runs; other files in the store's tmp dir stay.
TEST_F(Prune, RemovesWhatDeadBuildsLeft) {
  const std::vector<std::string> dead = {"snapshots/active/dead1/upper", "snapshots/tmp/unpack-dead/fs",
                                         "tmp/ocbuild-scratch-dead/tree", "tmp/context-view-dead/tree"};
  for (const auto& d : dead) ASSERT_EQ(testing::run_command("mkdir -p " + store() + "/" + d).status, 0);
  ASSERT_EQ(testing::run_command("mkdir -p " + store() + "/tmp/other").status, 0);
  auto p = ocb("prune");
  ASSERT_EQ(p.status, 0) << p.output;
  for (const auto& d : dead)
    EXPECT_FALSE(std::filesystem::exists(store() + "/" + d.substr(0, d.rfind('/')))) << d << "\n" << p.output;
  EXPECT_TRUE(std::filesystem::exists(store() + "/tmp/other"));
  auto r = ocb("build --progress plain -t afterdead:1 " + random_layer_context("after-dead", 1000));
  EXPECT_EQ(r.status, 0) << r.output;
}

}  // namespace
}  // namespace ocbuild::e2e
