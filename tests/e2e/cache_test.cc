// The build cache end to end: why a step ran (--explain and the plain
// progress line "cache miss: ..."), --no-cache-filter, and robustness: a
// corrupt record or a record whose layer blob is gone is a miss, two builds
// at once agree, a build killed mid-RUN (SIGKILL, SIGINT) leaves a usable
// store, no process and no mount behind.
#include <fstream>
#include <sstream>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"

namespace ocbuild::e2e {
namespace {

class Cache : public BuildSuite {
 protected:
  // A fresh context dir with a Dockerfile (and files), so its first build
  // is always "first build of this target".
  static std::string context(const std::string& name, const std::string& dockerfile) {
    std::string dir = scratch(name);
    EXPECT_EQ(testing::run_command("mkdir -p " + dir).status, 0);
    write_file_atomic(dir + "/Dockerfile", dockerfile);
    return dir;
  }
  static testing::CommandResult build(const std::string& args) { return ocb("build --progress plain " + args); }
  // Result records written after `marker` was touched.
  static std::vector<std::string> records_newer(const std::string& marker) {
    auto r = testing::run_command("find " + store() + "/cache/records -type f -newer " + marker);
    std::vector<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(line);
    return out;
  }
  // A RUN that sleeps, killed with `signal` after 2 s; returns the exit status.
  static int kill_mid_run(const std::string& ctx, const std::string& signal, const std::string& marker) {
    write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN sleep " + marker + "\n");
    auto r = testing::run_command(testing::ocbuild_binary() + " --root " + store() +
                                  " build --progress plain -t killed:1 " + ctx + " > " + ctx + "/out 2>&1 & pid=$!; " +
                                  "sleep 2; kill -" + signal + " $pid; wait $pid");
    return r.status;
  }

  // No process of the killed build (its RUN `sleep <marker>`) is left.
  static bool sleeper_left(const std::string& marker) {
    auto r = testing::run_command("sleep 1; grep -l 'sleep.*" + marker + "' /proc/[0-9]*/cmdline 2>/dev/null | "
                                  "grep -v self | while read f; do tr '\\0' ' ' < $f; echo; done | "
                                  "grep -cE '^(/bin/sh -c )?sleep " + marker + " ?$'");
    return r.output.find_first_of("123456789") == 0;
  }
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST_F(Cache, ExplainSaysWhichFileOrArgChanged) {
  std::string ctx = context("explain", "FROM busybox:latest\nARG V=1\nARG API_TOKEN=t0\n"
                                       "COPY app/ /app/\nRUN cat /app/main.c > /out && echo $V $API_TOKEN\n");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx + "/app && echo one > " + ctx + "/app/main.c").status, 0);
  auto r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cache miss: first build of this target"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cache explanation:"), std::string::npos) << r.output;

  r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("cache miss"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("RUN cat /app/main.c > /out && echo $V $API_TOKEN: CACHED"), std::string::npos) << r.output;

  write_file_atomic(ctx + "/app/main.c", "two\n");
  r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cache miss: file app/main.c changed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: ran: file app/main.c changed"), std::string::npos) << r.output;

  r = build("--build-arg V=2 --build-arg API_TOKEN=s3cr3t-value " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("ARG V changed from 1 to 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ARG API_TOKEN changed"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("cache miss: ARG API_TOKEN changed from"), std::string::npos) << r.output;
  EXPECT_EQ(count(r.output, "s3cr3t-value"), 1u) << "only the RUN's own echo may print it:\n" << r.output;

  r = build("--no-cache --build-arg V=2 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count(r.output, "cache miss: --no-cache"), 3u) << r.output;  // FROM, COPY, RUN
}

TEST_F(Cache, NoCacheFilterRunsOnlyThatStage) {
  std::string ctx = context("filter", "FROM busybox:latest AS a\nRUN echo a > /a\n"
                                      "FROM busybox:latest AS b\nCOPY --from=a /a /a\nRUN echo b > /b\n");
  auto r = build(ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  r = build("--explain --no-cache-filter b " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("[a 2/2] RUN echo a > /a: CACHED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[b 3/3] RUN echo b > /b: ran: --no-cache-filter b"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[b 2/3] COPY --from=a /a /a: ran: --no-cache-filter b"), std::string::npos) << r.output;
  // Its results were stored: the next plain build is fully cached.
  r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("cache miss"), std::string::npos) << r.output;
}

TEST_F(Cache, CorruptRecordIsAMissAndIsRewritten) {
  std::string ctx = context("corrupt", "FROM busybox:latest\nRUN echo corrupt-test > /c\n");
  std::string marker = scratch("corrupt.marker");
  write_file_atomic(marker, "");
  auto r = build(ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  auto records = records_newer(marker);
  ASSERT_FALSE(records.empty());
  for (size_t i = 0; i < records.size(); ++i) {
    // Half of them truncated, half garbage.
    if (i % 2) testing::run_command("truncate -s 7 " + records[i]);
    else write_file_atomic(records[i], "\x01garbage{{{");
  }
  r = build(ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("cache miss: cache record missing or unusable"), std::string::npos) << r.output;
  for (const auto& rec : records) {
    std::ifstream in(rec);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first, "{") << rec << " was not rewritten";
  }
  r = build(ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("cache miss"), std::string::npos) << r.output;
}

TEST_F(Cache, RecordWhoseBlobIsGoneIsAMiss) {
  std::string ctx = context("blobgone", "FROM busybox:latest\nRUN echo blob-gone > /g\n");
  std::string marker = scratch("blobgone.marker");
  write_file_atomic(marker, "");
  auto r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  // The RUN's layer: the one blob written by this build with a diffID
  // record (grep the records for their layer digest).
  auto g = testing::run_command("cat $(find " + store() + "/cache/records -type f -newer " + marker +
                                ") | grep -A1 '\"digest\"' | grep -o 'sha256:[0-9a-f]*' | head -1");
  std::string digest = g.output.substr(0, g.output.find('\n'));
  ASSERT_EQ(digest.size(), 71u) << g.output;
  std::string blob = store() + "/blobs/sha256/" + digest.substr(7);
  ASSERT_EQ(::unlink(blob.c_str()), 0) << blob;
  r = build("--explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("RUN echo blob-gone > /g: ran: cache record missing or unusable"), std::string::npos)
      << r.output;
}

TEST_F(Cache, TwoBuildsAtOnceAgree) {
  std::string ctx = context("twice", "FROM busybox:latest\nCOPY Dockerfile /d\nRUN echo twice > /t && sleep 1\n");
  std::string cmd = testing::ocbuild_binary() + " --root " + store() + " build --progress plain --source-date-epoch 0 " +
                    ctx + " > " + ctx + "/out";
  auto r = testing::run_command("(" + cmd + "1 2>&1 & a=$!; " + cmd + "2 2>&1 & b=$!; wait $a && wait $b)");
  auto out1 = testing::run_command("cat " + ctx + "/out1"), out2 = testing::run_command("cat " + ctx + "/out2");
  ASSERT_EQ(r.status, 0) << out1.output << out2.output;
  std::string d1 = printed_digest("\n" + out1.output), d2 = printed_digest("\n" + out2.output);
  EXPECT_TRUE(d1.starts_with("sha256:")) << out1.output;
  EXPECT_EQ(d1, d2) << out1.output << out2.output;
}

TEST_F(Cache, SigkillMidRunLeavesAUsableStore) {
  std::string ctx = context("sigkill", "");
  EXPECT_NE(kill_mid_run(ctx, "KILL", "71"), 0);
  EXPECT_FALSE(image("killed:1"));
  std::string ok = context("after-kill", "FROM busybox:latest\nRUN echo after-kill > /k\n");
  auto r = testing::run_command("timeout 120 " + testing::ocbuild_binary() + " --root " + store() +
                                " build --progress plain -t afterkill:1 " + ok + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  r = ocb("images");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("afterkill"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("killed"), std::string::npos) << r.output;
  EXPECT_FALSE(sleeper_left("71")) << "the RUN's process outlived the killed build";
}

TEST_F(Cache, SigintMidRunLeavesNoProcessOrMount) {
  std::string ctx = context("sigint", "");
  EXPECT_NE(kill_mid_run(ctx, "INT", "73"), 0);
  EXPECT_FALSE(sleeper_left("73")) << "the RUN's process outlived the build";
  auto mounts = testing::run_command("cat /proc/self/mountinfo");
  EXPECT_EQ(mounts.output.find(store()), std::string::npos) << mounts.output;
  EXPECT_FALSE(image("killed:1"));
}

}  // namespace
}  // namespace ocbuild::e2e
