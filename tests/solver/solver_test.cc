// The Solver on FROM scratch builds (no RUN, so no user namespace needed):
// layers and history per step, a second solve all cached with the same
// digest, and COPY parents carrying the owner of the directory below.
#include "ocbuild/solver/solver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/frontend/ast.h"
#include "ocbuild/solver/recording_progress.h"

namespace ocbuild::solver {
namespace {

class NoImages : public frontend::ImageResolver {
 public:
  std::optional<ImageConfig> resolve_config(const std::string&, const Platform&) override { return std::nullopt; }
};

class SolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "COPY --chown writes owners: needs root (the e2e tests cover rootless)";
    make_dirs(ctx_dir());
    write_file_atomic(ctx_dir() + "/a.txt", "alpha\n");
    write_file_atomic(ctx_dir() + "/b.txt", "beta\n");
  }
  std::string ctx_dir() const { return tmp_.path() + "/ctx"; }

  SolveResult solve(const std::string& dockerfile, RecordingProgress& progress, SolveOptions o = {}) {
    NoImages images;
    frontend::BuildPlan plan = frontend::plan(frontend::parse(dockerfile, "Dockerfile"), {}, images);
    BuildContext context(ctx_dir(), std::nullopt);
    o.driver = snapshot::Driver::Native;
    o.source_date_epoch = 1700000000;
    Solver solver(store_, cache_, context, progress, o);
    return solver.solve(plan);
  }
  static size_t count(const RecordingProgress& p, ProgressEvent::Kind kind) {
    size_t n = 0;
    for (const auto& e : p.events()) n += e.kind == kind;
    return n;
  }

  TempDir tmp_;
  ContentStore store_{tmp_.path() + "/store"};
  MemoryCacheStore cache_;
};

TEST_F(SolverTest, StepsMakeLayersAndHistoryAndARebuildIsCached) {
  const std::string file = "FROM scratch\nCOPY a.txt /dir/\nWORKDIR /w\nENV X=1\nWORKDIR /w\n";
  RecordingProgress first;
  SolveResult r1 = solve(file, first);
  StoredImage img = read_image(store_, r1.manifest);
  EXPECT_EQ(img.config.rootfs.diff_ids.size(), 2u);  // COPY, the first WORKDIR
  ASSERT_EQ(img.config.history.size(), 4u);
  EXPECT_EQ(img.config.history[0].created_by, "COPY a.txt /dir/ # buildkit");
  EXPECT_FALSE(img.config.history[0].empty_layer);
  EXPECT_EQ(img.config.history[1].created_by, "WORKDIR /w");
  EXPECT_FALSE(img.config.history[1].empty_layer);
  EXPECT_EQ(img.config.history[2].created_by, "ENV X=1");
  EXPECT_TRUE(img.config.history[2].empty_layer);
  EXPECT_TRUE(img.config.history[3].empty_layer) << "the directory exists: no layer";
  EXPECT_EQ(img.config.created, "2023-11-14T22:13:20Z");
  EXPECT_EQ(img.config.config.working_dir, "/w");
  EXPECT_EQ(count(first, ProgressEvent::Kind::Cached), 0u);

  RecordingProgress second;
  SolveResult r2 = solve(file, second);
  EXPECT_EQ(r1.manifest.digest, r2.manifest.digest);
  EXPECT_EQ(count(second, ProgressEvent::Kind::Cached), count(second, ProgressEvent::Kind::Started));
  EXPECT_EQ(count(second, ProgressEvent::Kind::Finished), 0u);

  write_file_atomic(ctx_dir() + "/a.txt", "changed\n");
  RecordingProgress third;
  SolveResult r3 = solve(file, third);
  EXPECT_NE(r1.manifest.digest, r3.manifest.digest);
  EXPECT_EQ(count(third, ProgressEvent::Kind::Finished), 1u) << "the COPY runs again";
}

TEST_F(SolverTest, CopyParentsKeepTheMetadataOfTheDirectoryBelow) {
  const std::string file =
      "FROM scratch\nCOPY --chown=1000:1000 --chmod=0700 a.txt /home/app/\nCOPY b.txt /home/app/\n";
  RecordingProgress progress;
  SolveResult r = solve(file, progress);
  StoredImage img = read_image(store_, r.manifest);
  ASSERT_EQ(img.manifest.layers.size(), 2u);
  snapshot::SnapshotStore snapshots(store_, snapshot::Driver::Native);
  std::vector<snapshot::LayerRef> layers;
  for (size_t i = 0; i < 2; ++i) layers.push_back({img.manifest.layers[i], img.config.rootfs.diff_ids[i]});
  auto dirs = snapshots.layer_dirs(snapshots.unpack(layers));  // top first
  struct stat st {};
  ASSERT_EQ(::lstat((dirs[0] + "/home/app").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u) << "the second COPY must not reset /home/app to root";
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::lstat((dirs[0] + "/home/app/b.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  ASSERT_EQ(::lstat((dirs[1] + "/home").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u) << "parents a COPY creates belong to the --chown user";
}

// SolveResult::steps says why each step ran, against the previous build
// with the same BuildId; --no-cache-filter forces a stage's steps.
TEST_F(SolverTest, StepsSayWhyTheyRan) {
  const std::string file = "FROM scratch AS one\nCOPY a.txt /a\nCOPY b.txt /b\n";
  SolveOptions o;
  o.build_id = BuildId{ctx_dir(), "Dockerfile", ""};
  RecordingProgress p1, p2, p3, p4;
  SolveResult r1 = solve(file, p1, o);
  ASSERT_EQ(r1.steps.size(), 2u);
  EXPECT_EQ(r1.steps[0].name, "[one 2/3] COPY a.txt /a");
  EXPECT_FALSE(r1.steps[0].cached);
  EXPECT_EQ(r1.steps[0].reason, "first build of this target");

  SolveResult r2 = solve(file, p2, o);
  ASSERT_EQ(r2.steps.size(), 2u);
  EXPECT_TRUE(r2.steps[0].cached && r2.steps[1].cached);

  write_file_atomic(ctx_dir() + "/b.txt", "changed\n");
  SolveResult r3 = solve(file, p3, o);
  ASSERT_EQ(r3.steps.size(), 2u);
  EXPECT_TRUE(r3.steps[0].cached);
  EXPECT_FALSE(r3.steps[1].cached);
  EXPECT_EQ(r3.steps[1].reason, "file b.txt changed");
  bool shown = false;
  for (const auto& e : p3.events()) shown |= e.text == "cache miss: file b.txt changed";
  EXPECT_TRUE(shown) << "the reason is a progress line of the step";

  o.no_cache_filter = {"one"};
  SolveResult r4 = solve(file, p4, o);
  ASSERT_EQ(r4.steps.size(), 2u);
  EXPECT_EQ(r4.steps[0].reason, "--no-cache-filter one");
  EXPECT_EQ(r4.steps[1].reason, "--no-cache-filter one");
  EXPECT_EQ(r3.manifest.digest, r4.manifest.digest) << "forced steps make the same image";
}

}  // namespace
}  // namespace ocbuild::solver
