// `ocbuild build` against a real registry (Debian's docker-registry on
// 127.0.0.1): busybox is pushed there from one store, a fresh store builds
// FROM it (the base is pulled), --push sends the result to the registry and a
// third empty store pulls it back with the same digest, the digest that
// --metadata-file records. -o type=registry pushes without tagging locally.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/paths.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::RegistryServer;
using ocbuild::testing::run_command;

class BuildPushCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = RegistryServer::start({}, &why);
    if (!server_) GTEST_SKIP() << why;
    auto made = run_command("OCBUILD_ROOT=" + store("base") + " bash " + ocbuild::testing::source_dir() +
                            "/tests/make-busybox-image.sh " + ocbuild::testing::ocbuild_binary() + " busybox:latest");
    if (made.status != 0) GTEST_SKIP() << "cannot make busybox:latest: " << made.output;
  }
  std::string store(const std::string& name) const { return dir_.path() + "/" + name; }
  ocbuild::testing::CommandResult ocbuild(const std::string& root, const std::string& args) const {
    return run_command(ocbuild::testing::ocbuild_binary() + " --root " + store(root) + " " + args);
  }
  std::string context() const {
    std::string ctx = dir_.path() + "/ctx";
    make_dirs(ctx);
    write_file_atomic(ctx + "/Dockerfile", "FROM " + server_->host() + "/busybox:latest\nCOPY app.txt /app.txt\n");
    write_file_atomic(ctx + "/app.txt", "built on a pulled base\n");
    return ctx;
  }

  std::unique_ptr<RegistryServer> server_;
  TempDir dir_{"ocbuild-build-push-"};
};

TEST_F(BuildPushCli, BuildFromRegistryBasePushAndPullBack) {
  std::string host = server_->host();
  auto pushed = ocbuild("base", "push -q busybox:latest " + host + "/busybox:latest");
  ASSERT_EQ(pushed.status, 0) << pushed.output;

  auto built = ocbuild("fresh", "build -q -t app:local " + context());
  ASSERT_EQ(built.status, 0) << built.output;
  {
    ContentStore fresh(store("fresh"));
    EXPECT_TRUE(resolve_image(fresh, parse_image_ref("app:local")));
    EXPECT_FALSE(resolve_image(fresh, parse_image_ref("busybox:latest"))) << "the base came from the registry, not a local busybox";
  }

  std::string meta = dir_.path() + "/meta.json";
  auto push = ocbuild("fresh", "build -q --push -t " + host + "/app:1 --metadata-file " + meta + " " + context());
  ASSERT_EQ(push.status, 0) << push.output;
  std::string digest = push.output.substr(0, push.output.find('\n'));
  ASSERT_TRUE(digest.starts_with("sha256:")) << push.output;
  auto j = nlohmann::json::parse(read_file(meta));
  EXPECT_EQ(j["containerimage.digest"], digest);
  EXPECT_EQ(j["containerimage.pushed.digest"], digest);
  EXPECT_EQ(j["image.name"], host + "/app:1");

  auto pulled = ocbuild("third", "pull " + host + "/app:1");
  ASSERT_EQ(pulled.status, 0) << pulled.output;
  ContentStore third(store("third"));
  auto got = third.resolve(host + "/app:1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->digest.str(), digest);
  {
    ContentStore fresh(store("fresh"));
    ASSERT_TRUE(fresh.resolve(host + "/app:1")) << "--push also tags the store (type=image)";
  }

  auto only = ocbuild("fresh", "build -q -o type=registry -t " + host + "/app:2 " + context());
  ASSERT_EQ(only.status, 0) << only.output;
  ContentStore fresh(store("fresh"));
  EXPECT_FALSE(fresh.resolve(host + "/app:2")) << "type=registry alone tags nothing locally";
  auto back = ocbuild("fourth", "pull " + host + "/app:2");
  ASSERT_EQ(back.status, 0) << back.output;
  ContentStore fourth(store("fourth"));
  ASSERT_TRUE(fourth.resolve(host + "/app:2"));
  EXPECT_EQ(fourth.resolve(host + "/app:2")->digest.str(), digest);
}

}  // namespace
}  // namespace ocbuild::registry
