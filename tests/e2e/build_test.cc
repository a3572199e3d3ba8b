// `ocbuild build` end to end: the examples build offline on busybox:latest,
// a rebuild is fully cached with the same digest, multi-stage COPY --from,
// a failing RUN names its line and tags nothing, and SOURCE_DATE_EPOCH makes
// two copies of a context (files touched at different times, all after the
// epoch, as fresh checkouts are) give the same image.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"

namespace ocbuild::e2e {
namespace {

std::string example(const std::string& name) { return testing::source_dir() + "/examples/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_env(const ImageConfig& c, const std::string& kv) {
  return std::find(c.config.env.begin(), c.config.env.end(), kv) != c.config.env.end();
}

class Build : public BuildSuite {};

TEST_F(Build, HelloExampleMakesTheFilesAndConfig) {
  auto r = ocb("build --progress plain -t hello:1 -t hello:latest --iidfile " + scratch("hello.iid") + " " +
               example("hello"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::string digest = printed_digest(r.output);
  ASSERT_TRUE(digest.starts_with("sha256:")) << r.output;
  EXPECT_EQ(slurp(scratch("hello.iid")), digest);
  ASSERT_TRUE(image("hello:latest"));
  EXPECT_EQ(image("hello:latest")->manifest_descriptor.digest.str(), digest);
  auto img = image("hello:1");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->manifest_descriptor.digest.str(), digest);
  auto base = image("busybox:latest");
  ASSERT_TRUE(base);
  // COPY and RUN make layers; LABEL, ENV, WORKDIR (/srv exists) and CMD do not.
  EXPECT_EQ(img->config.rootfs.diff_ids.size(), base->config.rootfs.diff_ids.size() + 2);
  ASSERT_EQ(img->config.history.size(), base->config.history.size() + 6);
  const auto& h = img->config.history;
  size_t b = base->config.history.size();
  EXPECT_EQ(h[b + 1].created_by, "ENV GREETING=hello from ocbuild");
  EXPECT_TRUE(h[b + 1].empty_layer);
  EXPECT_EQ(h[b + 2].created_by, "COPY hello.sh /usr/local/bin/hello # buildkit");
  EXPECT_FALSE(h[b + 2].empty_layer);
  EXPECT_EQ(h[b + 3].created_by, "RUN /bin/sh -c mkdir -p /srv && echo \"built\" > /srv/status # buildkit");
  EXPECT_EQ(h[b + 5].created_by, "CMD [\"hello\"]");
  EXPECT_TRUE(has_env(img->config, "GREETING=hello from ocbuild")) << r.output;
  EXPECT_EQ(img->config.config.cmd, std::vector<std::string>{"hello"});
  EXPECT_EQ(img->config.config.working_dir, "/srv");
  EXPECT_EQ(img->config.config.labels.at("org.opencontainers.image.title"), "hello");

  std::string rootfs = unpack("hello:1");
  EXPECT_EQ(slurp(rootfs + "/srv/status"), "built\n");
  EXPECT_EQ(slurp(rootfs + "/usr/local/bin/hello"), slurp(example("hello") + "/hello.sh"));
  struct stat st {};
  ASSERT_EQ(::lstat((rootfs + "/usr/local/bin/hello").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(::lstat((rootfs + "/bin/busybox").c_str(), &st), 0) << "base layers are in the image";
}

TEST_F(Build, SecondBuildIsFullyCachedWithTheSameDigest) {
  auto first = ocb("build --progress plain -t cached:1 " + example("hello"));
  ASSERT_EQ(first.status, 0) << first.output;
  auto start = std::chrono::steady_clock::now();
  auto second = ocb("build --progress plain -t cached:2 " + example("hello"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_EQ(printed_digest(first.output), printed_digest(second.output)) << second.output;
  // Every step the plain progress started ("#N [...]") reports "#N CACHED".
  std::regex started(R"(^#(\d+) \[)");
  std::set<std::string> steps, cached;
  std::istringstream lines(second.output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, started)) steps.insert(m[1]);
    if (line.ends_with(" CACHED")) cached.insert(line.substr(1, line.find(' ') - 1));
  }
  EXPECT_EQ(steps.size(), 3u) << second.output;  // FROM, COPY, RUN
  EXPECT_EQ(steps, cached) << second.output;
  EXPECT_LT(took, std::chrono::seconds(10));
  // --no-cache runs the steps again.
  auto again = ocb("build --progress plain --no-cache -t cached:3 " + example("hello"));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output.find("RUN mkdir -p /srv"), again.output.rfind("RUN mkdir -p /srv")) << again.output;
  EXPECT_EQ(again.output.find(" CACHED"), std::string::npos) << again.output;
}

TEST_F(Build, MultiStageCopiesFromTheStagesItNeeds) {
  auto r = ocb("build --progress plain -t report:1 " + example("multi-stage"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("never built"), std::string::npos) << "the unused stage ran:\n" << r.output;
  std::string rootfs = unpack("report:1");
  EXPECT_EQ(slurp(rootfs + "/report/words"), "17\n");
  EXPECT_EQ(slurp(rootfs + "/report/lines"), "2\n");
  struct stat st {};
  EXPECT_NE(::lstat((rootfs + "/never").c_str(), &st), 0);
  EXPECT_NE(::lstat((rootfs + "/out").c_str(), &st), 0) << "the final stage has only /report from the others";
  auto img = image("report:1");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->config.config.cmd.size(), 3u);

  auto words = ocb("build --progress plain --target words -t words:1 " + example("multi-stage"));
  ASSERT_EQ(words.status, 0) << words.output;
  EXPECT_EQ(slurp(unpack("words:1") + "/out/words"), "17\n");
}

TEST_F(Build, FailingRunNamesTheLineAndTagsNothing) {
  std::string ctx = scratch("failing");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nENV A=1\nRUN echo about to fail && exit 3\nRUN touch /x\n");
  auto r = ocb("build --progress plain -t failed:1 " + ctx);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Dockerfile:3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exited with code 3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("about to fail"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("touch /x"), std::string::npos) << "no step after the failure runs:\n" << r.output;
  EXPECT_FALSE(image("failed:1"));
}

TEST_F(Build, SourceDateEpochMakesCopiesOfAContextIdentical) {
  std::string a = scratch("repro-a"), b = scratch("elsewhere/repro-b");
  auto r = testing::run_command("set -e; mkdir -p " + a + " " + b + "; cp -r " + example("hello") + "/. " + a +
                                "; cp -r " + example("hello") + "/. " + b + "; touch -d '2024-01-01' " + a +
                                "/hello.sh; touch -d '2024-06-01' " + b + "/hello.sh");
  ASSERT_EQ(r.status, 0) << r.output;
  auto one = ocb("build --progress plain --no-cache --source-date-epoch 1700000000 -t repro:a " + a);
  ASSERT_EQ(one.status, 0) << one.output;
  auto two = testing::run_command("SOURCE_DATE_EPOCH=1700000000 " + testing::ocbuild_binary() + " --root " +
                                  store() + " build --progress plain --no-cache -t repro:b " + b + " 2>&1");
  ASSERT_EQ(two.status, 0) << two.output;
  EXPECT_EQ(printed_digest(one.output), printed_digest(two.output)) << one.output << two.output;
  auto img = image("repro:a");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->config.created, "2023-11-14T22:13:20Z");
}

// RUN --mount works now (build_mounts_test.cc); an unknown type names the line.
TEST_F(Build, UnknownRunMountTypeIsAClearError) {
  std::string ctx = scratch("mount");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN --mount=type=nfs,target=/t true\n");
  auto r = ocb("build --progress plain -t mount:1 " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("unsupported mount type \"nfs\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Dockerfile:2"), std::string::npos) << r.output;
}

TEST_F(Build, InterruptStopsTheRunningStepAndTagsNothing) {
  std::string ctx = scratch("sleepy");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx).status, 0);
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN sleep 60\n");
  auto start = std::chrono::steady_clock::now();
  auto r = testing::run_command(testing::ocbuild_binary() + " --root " + store() + " build --progress plain -t sleepy:1 " +
                                ctx + " > " + ctx + "/out 2>&1 & pid=$!; sleep 2; kill -INT $pid; wait $pid");
  EXPECT_NE(r.status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  auto out = testing::run_command("cat " + ctx + "/out");
  EXPECT_NE(out.output.find("was cancelled"), std::string::npos) << out.output;
  EXPECT_FALSE(image("sleepy:1"));
}

}  // namespace
}  // namespace ocbuild::e2e
