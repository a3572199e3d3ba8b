// --explain with the Dockerfile on stdin (`-f -`): the "same target" is the
// context dir with the Dockerfile named "-" (and --target), so a second
// `-f -` build of that context explains its misses (a Dockerfile edit, a
// changed file) instead of calling itself a first build, and a build of the
// same context from its Dockerfile on disk is another target.
#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"

namespace ocbuild::e2e {
namespace {

class ExplainStdin : public BuildSuite {
 protected:
  // `ocbuild build --explain -f - CTX` with `dockerfile` on stdin.
  static testing::CommandResult build_stdin(const std::string& ctx, const std::string& dockerfile,
                                            const std::string& extra = "") {
    write_file_atomic(scratch("stdin-Dockerfile"), dockerfile);
    return ocb("build --progress plain --explain " + extra + " -f - " + ctx + " < " + scratch("stdin-Dockerfile"));
  }
};

constexpr const char* kDockerfile =
    "FROM busybox:latest\n"
    "ARG V=1\n"
    "COPY app/ /app/\n"
    "RUN cat /app/main.c > /out.txt\n";

TEST_F(ExplainStdin, SecondStdinBuildOfTheContextExplainsItsMisses) {
  std::string ctx = scratch("explain-stdin");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx + "/app && echo 'int main;' > " + ctx + "/app/main.c").status, 0);
  // A Dockerfile on disk that is not the one used: -f - must not read it.
  write_file_atomic(ctx + "/Dockerfile", "FROM busybox:latest\nRUN false\n");

  auto r = build_stdin(ctx, kDockerfile);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: ran: first build of this target"), std::string::npos) << r.output;

  r = build_stdin(ctx, kDockerfile);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: CACHED"), std::string::npos) << r.output;

  // An edited Dockerfile (the ARG default the RUN sees) is named...
  std::string edited = kDockerfile;
  edited.replace(edited.find("V=1"), 3, "V=2");
  r = build_stdin(ctx, edited);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: CACHED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("RUN cat /app/main.c > /out.txt: ran: ARG V changed from 1 to 2"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("first build of this target"), std::string::npos) << r.output;

  // ...and so is a changed context file.
  write_file_atomic(ctx + "/app/main.c", "int main() { return 1; }\n");
  r = build_stdin(ctx, edited);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: ran: file app/main.c changed"), std::string::npos) << r.output;

  // Another --target (here: the same stage by name) is another record.
  r = build_stdin(ctx, "FROM busybox:latest AS final\nARG V=3\nCOPY app/ /app/\nRUN cat /app/main.c > /out.txt\n",
                  "--target final");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("RUN cat /app/main.c > /out.txt: ran: first build of this target"), std::string::npos)
      << r.output;
}

TEST_F(ExplainStdin, DockerfileOnDiskIsAnotherTarget) {
  std::string ctx = scratch("explain-disk");
  ASSERT_EQ(testing::run_command("mkdir -p " + ctx + "/app && echo 'int x;' > " + ctx + "/app/main.c").status, 0);
  std::string on_disk = kDockerfile;
  on_disk.replace(on_disk.find("V=1"), 3, "V=5");
  write_file_atomic(ctx + "/Dockerfile", on_disk);
  auto r = build_stdin(ctx, kDockerfile);
  ASSERT_EQ(r.status, 0) << r.output;
  // Compared with the stdin build this would be "ARG V changed from 1 to 5".
  r = ocb("build --progress plain --explain " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("RUN cat /app/main.c > /out.txt: ran: first build of this target"), std::string::npos)
      << r.output;
  // And the stdin target still compares with its own last build.
  write_file_atomic(ctx + "/app/main.c", "int y;\n");
  r = build_stdin(ctx, kDockerfile);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("COPY app/ /app/: ran: file app/main.c changed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::e2e
