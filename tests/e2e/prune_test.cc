// `ocbuild du` and `ocbuild prune` end to end: prune removes the records
// whose blobs are gone; prune --all frees snapshots, cache mounts and
// records (du says so); a build afterwards still works.
#include <regex>

#include "e2e/build_fixture.h"
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
};

TEST_F(Prune, AllFreesSpaceAndALaterBuildWorks) {
  std::string ctx = scratch("prune-all");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile",
                    "FROM busybox:latest AS tmp\nRUN --mount=type=cache,target=/c dd if=/dev/zero of=/c/big bs=1k "
                    "count=512 && echo x > /x\nFROM busybox:latest\nCOPY --from=tmp /x /x\n");
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
  // Untag and collect: the RUN's layer blob goes, its record stays stale.
  ASSERT_EQ(ocb("rmi stale:1").status, 0);
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
}

}  // namespace
}  // namespace ocbuild::e2e
