// `ocbuild build -o` push attributes against a real registry (Debian's
// docker-registry on 127.0.0.1): type=image,push=true,name=... tags the store
// and pushes; type=registry,name=...,compression=zstd pushes a converted
// image whose metadata file names the pushed digest; oci-mediatypes=false
// pushes a Docker schema 2 manifest.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/paths.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::RegistryServer;
using ocbuild::testing::run_command;

class BuildPushOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = RegistryServer::start({}, &why);
    if (!server_) GTEST_SKIP() << why;
    auto made = run_command("OCBUILD_ROOT=" + store("s") + " bash " + ocbuild::testing::source_dir() +
                            "/tests/make-busybox-image.sh " + ocbuild::testing::ocbuild_binary() + " busybox:latest");
    if (made.status != 0) GTEST_SKIP() << "cannot make busybox:latest: " << made.output;
    ctx_ = dir_.path() + "/ctx";
    make_dirs(ctx_);
    write_file_atomic(ctx_ + "/Dockerfile", "FROM busybox:latest\nCOPY app.txt /app.txt\n");
    write_file_atomic(ctx_ + "/app.txt", "pushed by an output attribute\n");
  }
  std::string store(const std::string& name) const { return dir_.path() + "/" + name; }
  ocbuild::testing::CommandResult ocbuild(const std::string& root, const std::string& args) const {
    return run_command(ocbuild::testing::ocbuild_binary() + " --root " + store(root) + " " + args + " 2>&1");
  }
  // The manifest the registry holds for repo:tag, fetched by a fresh store.
  Manifest pulled(const std::string& ref, const std::string& root) {
    auto r = ocbuild(root, "pull -q " + ref);
    EXPECT_EQ(r.status, 0) << r.output;
    ContentStore s(store(root));
    auto d = s.resolve(ref);
    EXPECT_TRUE(d);
    return d ? parse_manifest(s.read(d->digest)) : Manifest{};
  }

  std::unique_ptr<RegistryServer> server_;
  TempDir dir_{"ocbuild-push-output-"};
  std::string ctx_;
};

TEST_F(BuildPushOutput, ImagePushTrueTagsAndPushesTheNames) {
  std::string name = server_->host() + "/attrs/app:1";
  auto r = ocbuild("s", "build -q -o type=image,push=true,name=" + name + " " + ctx_);
  ASSERT_EQ(r.status, 0) << r.output;
  ContentStore s(store("s"));
  auto local = s.resolve(name);
  ASSERT_TRUE(local) << "push=true keeps the type=image tag";
  pulled(name, "p1");
  ContentStore p1(store("p1"));
  EXPECT_EQ(p1.resolve(name)->digest, local->digest);
}

TEST_F(BuildPushOutput, PushFlagPushesTheImageOutputNames) {
  std::string name = server_->host() + "/attrs/flag:1";
  auto r = ocbuild("s", "build -q --push -o type=image,name=" + name + " " + ctx_);
  ASSERT_EQ(r.status, 0) << r.output;
  ContentStore s(store("s"));
  ASSERT_TRUE(s.resolve(name));
  pulled(name, "p4");
  ContentStore p4(store("p4"));
  EXPECT_EQ(p4.resolve(name)->digest, s.resolve(name)->digest);
}

TEST_F(BuildPushOutput, RegistryOutputPushesAConvertedImage) {
  std::string zstd = server_->host() + "/attrs/zstd:1", docker = server_->host() + "/attrs/docker:1";
  std::string meta = dir_.path() + "/meta.json";
  auto r = ocbuild("s", "build -q --metadata-file " + meta + " -o type=registry,name=" + zstd +
                            ",compression=zstd -o type=registry,name=" + docker + ",oci-mediatypes=false " + ctx_);
  ASSERT_EQ(r.status, 0) << r.output;
  Manifest z = pulled(zstd, "p2");
  for (const auto& l : z.layers) EXPECT_EQ(l.media_type, media_type::kOciLayerZstd);
  auto j = nlohmann::json::parse(read_file(meta));
  ContentStore p2(store("p2"));
  EXPECT_EQ(j["containerimage.digest"], p2.resolve(zstd)->digest.str()) << "the metadata names what was pushed";
  Manifest d = pulled(docker, "p3");
  EXPECT_EQ(d.media_type, media_type::kDockerManifest);
  EXPECT_EQ(d.config.media_type, media_type::kDockerConfig);
  for (const auto& l : d.layers) EXPECT_EQ(l.media_type, media_type::kDockerLayerGzip);
  ContentStore s(store("s"));
  EXPECT_FALSE(s.resolve(zstd)) << "type=registry tags nothing locally";
}

}  // namespace
}  // namespace ocbuild::registry
