// `ocbuild build` outputs and input forms with the real binary: -o
// type=oci|docker|local|tar (files and stdout), the -o DIR shorthand,
// --metadata-file, -q, -f -, a tar context or a Dockerfile on stdin (a
// hostile tar refused), --platform of another machine refused, --jobs, and
// clear errors for bad --output values. Only type=image writes tags.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::e2e {
namespace {

class BuildOutputs : public BuildSuite {
 protected:
  // A context with a Dockerfile (FROM busybox, COPY a file, a label) once per suite.
  static std::string context() {
    std::string dir = scratch("ctx");
    if (!std::filesystem::exists(dir)) {
      make_dirs(dir);
      write_file_atomic(dir + "/Dockerfile", "FROM busybox:latest\nCOPY hello.txt /srv/hello.txt\nLABEL kind=outputs\n");
      write_file_atomic(dir + "/hello.txt", "hello from the context\n");
    }
    return dir;
  }
  // stdout and stderr apart: `ocbuild --root STORE ARGS`, stdout into a file.
  static testing::CommandResult ocb_split(const std::string& args, const std::string& out_file) {
    return testing::run_command("{ " + testing::ocbuild_binary() + " --root " + store() + " " + args + " 2>&1 >" +
                                out_file + "; }");
  }
  // `INPUT | ocbuild --root STORE ARGS`, stdout and stderr together.
  static testing::CommandResult ocb_stdin(const std::string& input, const std::string& args) {
    return testing::run_command(input + " | " + testing::ocbuild_binary() + " --root " + store() + " " + args);
  }
};

TEST_F(BuildOutputs, OciArchiveHoldsTheImageAndNoTagIsWritten) {
  std::string dest = scratch("out.oci.tar");
  auto r = ocb("build -t outputs/oci:1 -o type=oci,dest=" + dest + " " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  std::string digest = printed_digest(r.output);
  ASSERT_TRUE(digest.starts_with("sha256:")) << r.output;
  EXPECT_FALSE(image("outputs/oci:1")) << "type=oci must not tag the store";
  auto index = testing::run_command("tar -xOf " + dest + " index.json");
  ASSERT_EQ(index.status, 0) << index.output;
  auto j = nlohmann::json::parse(index.output);
  EXPECT_EQ(j["manifests"][0]["digest"], digest);
  auto layout = testing::run_command("tar -tf " + dest);
  EXPECT_NE(layout.output.find("oci-layout"), std::string::npos) << layout.output;
  EXPECT_NE(layout.output.find("blobs/sha256/" + digest.substr(7)), std::string::npos) << layout.output;
}

TEST_F(BuildOutputs, DockerArchiveCarriesEveryTag) {
  std::string dest = scratch("out.docker.tar");
  auto r = ocb("build -q -t outputs/docker:1 -t outputs/docker:2 --output type=docker,dest=" + dest + " " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  auto manifest = testing::run_command("tar -xOf " + dest + " manifest.json");
  ASSERT_EQ(manifest.status, 0) << manifest.output;
  auto tags = nlohmann::json::parse(manifest.output)[0]["RepoTags"];
  ASSERT_EQ(tags.size(), 2u) << manifest.output;
  EXPECT_NE(tags[0].get<std::string>().find("outputs/docker:1"), std::string::npos);
  EXPECT_NE(tags[1].get<std::string>().find("outputs/docker:2"), std::string::npos);
  EXPECT_FALSE(image("outputs/docker:1"));
  if (testing::have_program("skopeo")) {
    auto inspect = testing::run_command("skopeo inspect --config docker-archive:" + dest + " 2>&1");
    ASSERT_EQ(inspect.status, 0) << inspect.output;
    EXPECT_NE(inspect.output.find("outputs"), std::string::npos) << inspect.output;
  }
}

TEST_F(BuildOutputs, LocalDirectoryIsTheFinalFileSystem) {
  std::string dest = scratch("local-out");
  auto r = ocb("build -q -o " + dest + " " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_file(dest + "/srv/hello.txt"), "hello from the context\n");
  EXPECT_TRUE(std::filesystem::exists(dest + "/bin/busybox"));
  EXPECT_TRUE(std::filesystem::is_symlink(dest + "/bin/sh"));
  // Nothing half-written beside it.
  for (const auto& e : std::filesystem::directory_iterator(scratch("")))
    EXPECT_EQ(e.path().filename().string().find(".ocbuild-output-"), std::string::npos) << e.path();
  auto again = ocb("build -q --output type=local,dest=" + scratch("local-out2") + " " + context());
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(read_file(scratch("local-out2") + "/srv/hello.txt"), "hello from the context\n");
}

TEST_F(BuildOutputs, TarToStdoutSendsTheDigestToStderr) {
  std::string tar = scratch("stdout.tar");
  auto r = ocb_split("build --progress plain -o - " + context(), tar);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string digest = printed_digest("\n" + r.output);
  EXPECT_TRUE(digest.starts_with("sha256:")) << r.output;
  auto list = testing::run_command("tar -tf " + tar);
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("srv/hello.txt"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("bin/busybox"), std::string::npos);
  EXPECT_EQ(list.output.find("sha256:"), std::string::npos);

  std::string file_tar = scratch("file.tar");
  auto f = ocb("build -q -o type=tar,dest=" + file_tar + " " + context());
  ASSERT_EQ(f.status, 0) << f.output;
  EXPECT_EQ(read_file(file_tar), read_file(tar)) << "the same file system gives the same tar";
}

TEST_F(BuildOutputs, OciToStdoutMatchesTheFile) {
  std::string out = scratch("stdout.oci.tar");
  auto r = ocb_split("build -q -o type=oci,dest=- " + context(), out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.output.starts_with("sha256:")) << r.output;
  auto file = ocb("build -q -o type=oci,dest=" + scratch("file.oci.tar") + " " + context());
  ASSERT_EQ(file.status, 0) << file.output;
  EXPECT_EQ(read_file(out), read_file(scratch("file.oci.tar")));
}

TEST_F(BuildOutputs, MetadataFileAndQuiet) {
  std::string meta = scratch("meta.json");
  auto r = ocb("build -q -t outputs/meta:1 -t outputs/meta:2 --metadata-file " + meta + " " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(r.output.starts_with("sha256:")) << r.output;
  EXPECT_EQ(r.output.size(), 71u + 1u) << "quiet prints only the digest: " << r.output;
  std::string digest = r.output.substr(0, 71);
  auto j = nlohmann::json::parse(read_file(meta));
  EXPECT_EQ(j["containerimage.digest"], digest);
  EXPECT_EQ(j["containerimage.descriptor"]["digest"], digest);
  EXPECT_EQ(j["containerimage.descriptor"]["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  auto img = image("outputs/meta:1");
  ASSERT_TRUE(img);
  EXPECT_EQ(j["containerimage.descriptor"]["size"], img->manifest_descriptor.size);
  EXPECT_EQ(j["containerimage.config.digest"], img->manifest.config.digest.str());
  EXPECT_EQ(j["image.name"], "outputs/meta:1,outputs/meta:2");
  EXPECT_FALSE(j.contains("containerimage.pushed.digest"));
}

TEST_F(BuildOutputs, DockerfileFromStdin) {
  auto r = ocb_stdin("printf 'FROM busybox:latest\\nCOPY hello.txt /from-stdin.txt\\nENV WHERE=stdin\\n'",
                     "build -q -t outputs/stdin-file:1 -f - " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  auto img = image("outputs/stdin-file:1");
  ASSERT_TRUE(img);
  auto& env = img->config.config.env;
  EXPECT_NE(std::find(env.begin(), env.end(), "WHERE=stdin"), env.end());
}

TEST_F(BuildOutputs, TarContextFromStdin) {
  auto r = ocb_stdin("tar -C " + context() + " -cf - .", "build -q -t outputs/stdin-ctx:1 -");
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(image("outputs/stdin-ctx:1"));
  std::string root = unpack("outputs/stdin-ctx:1");
  EXPECT_EQ(read_file(root + "/srv/hello.txt"), "hello from the context\n");

  // -f names another file inside the tar; gzip is detected too.
  std::string other = scratch("ctx-other");
  make_dirs(other);
  write_file_atomic(other + "/build.Dockerfile", "FROM busybox:latest\nCOPY data /data\n");
  write_file_atomic(other + "/data", "inside the tar\n");
  auto f = ocb_stdin("tar -C " + other + " -czf - .", "build -q -f build.Dockerfile -t outputs/stdin-ctx:2 -");
  ASSERT_EQ(f.status, 0) << f.output;
  EXPECT_EQ(read_file(unpack("outputs/stdin-ctx:2") + "/data"), "inside the tar\n");
}

TEST_F(BuildOutputs, PlainDockerfileOnStdinHasAnEmptyContext) {
  auto r = ocb_stdin("printf 'FROM busybox:latest\\nLABEL plain=yes\\n'", "build -q -t outputs/stdin-plain:1 -");
  ASSERT_EQ(r.status, 0) << r.output;
  auto img = image("outputs/stdin-plain:1");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->config.config.labels["plain"], "yes");
  auto copy = ocb_stdin("printf 'FROM busybox:latest\\nCOPY hello.txt /x\\n'", "build -q -");
  EXPECT_NE(copy.status, 0) << copy.output;
  EXPECT_NE(copy.output.find("hello.txt"), std::string::npos) << copy.output;
}

TEST_F(BuildOutputs, HostileTarContextIsRefused) {
  std::string evil = scratch("evil.tar");
  auto made = testing::run_command(
      "python3 -c \"import tarfile,io,sys\nt=tarfile.open(sys.argv[1],'w')\nfor n,d in "
      "[('Dockerfile',b'FROM busybox:latest\\n'),('../escaped.txt',b'x')]:\n i=tarfile.TarInfo(n); i.size=len(d); "
      "t.addfile(i,io.BytesIO(d))\nt.close()\" " + evil + " 2>&1");
  ASSERT_EQ(made.status, 0) << made.output;
  auto r = ocb("build -q - < " + evil);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("escaped.txt"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists("/tmp/escaped.txt"));
}

TEST_F(BuildOutputs, OtherPlatformIsRefusedAndJobsBoundsStages) {
  std::string other = host_platform().architecture == "s390x" ? "linux/ppc64le" : "linux/s390x";
  auto r = ocb("build -q --platform " + other + " " + context());
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("only the host platform " + platform_string(host_platform()) + " can be built"),
            std::string::npos) << r.output;
  auto host = ocb("build -q --platform " + platform_string(host_platform()) + " " + context());
  EXPECT_EQ(host.status, 0) << host.output;

  std::string multi = scratch("ctx-multi");
  make_dirs(multi);
  write_file_atomic(multi + "/Dockerfile",
                    "FROM busybox:latest AS a\nCOPY f /a\nFROM busybox:latest AS b\nCOPY f /b\n"
                    "FROM busybox:latest\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n");
  write_file_atomic(multi + "/f", "f\n");
  auto one = ocb("build -q --jobs 1 -t outputs/jobs:1 " + multi);
  ASSERT_EQ(one.status, 0) << one.output;
  EXPECT_TRUE(image("outputs/jobs:1"));
  EXPECT_NE(ocb("build -q --jobs 0 " + multi).status, 0);
}

TEST_F(BuildOutputs, BadOutputsFailBeforeBuilding) {
  auto unknown = ocb("build -o type=bogus,dest=x " + context());
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("unknown type \"bogus\""), std::string::npos) << unknown.output;
  auto nodest = ocb("build -o type=oci " + context());
  EXPECT_NE(nodest.status, 0);
  EXPECT_NE(nodest.output.find("type=oci needs dest="), std::string::npos) << nodest.output;
  auto attr = ocb("build -o type=tar,dest=x,color=red " + context());
  EXPECT_NE(attr.output.find("unknown attribute \"color\""), std::string::npos) << attr.output;
  auto push = ocb("build --push " + context());
  EXPECT_NE(push.status, 0);
  EXPECT_NE(push.output.find("pushing needs a name"), std::string::npos) << push.output;
  auto both = ocb("build -f - - < /dev/null");
  EXPECT_NE(both.output.find("stdin cannot be both"), std::string::npos) << both.output;
  EXPECT_EQ(ocb("build -o " + scratch("never") + " -o - -o type=oci,dest=- " + context()).status == 0, false);
  EXPECT_FALSE(std::filesystem::exists(scratch("never")));
}

}  // namespace
}  // namespace ocbuild::e2e
