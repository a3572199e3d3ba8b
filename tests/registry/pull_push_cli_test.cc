// `ocbuild pull` / `ocbuild push` end to end with the real binary, against a
// plain registry and one with Basic auth (credentials from `ocbuild login`).
#include <gtest/gtest.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/registry/push.h"
#include "registry/registry_image.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::make_registry_image;
using ocbuild::testing::RegistryServer;
using ocbuild::testing::run_command;

class PullPushCliTest : public ::testing::Test {
 protected:
  static void start(const RegistryServer::Options& o, RegistryServer*& server, std::string*& why) {
    std::string reason;
    server = RegistryServer::start(o, &reason).release();
    if (!server) why = new std::string(reason);
  }
  static void SetUpTestSuite() {
    start({}, plain_, plain_why_);
    start({"puller", "S3cret-pull-pw"}, secure_, secure_why_);
  }
  static void TearDownTestSuite() {
    delete plain_;
    delete secure_;
    plain_ = secure_ = nullptr;
  }
  void SetUp() override {
    if (!plain_) GTEST_SKIP() << *plain_why_;
    if (!secure_) GTEST_SKIP() << *secure_why_;
  }
  ocbuild::testing::CommandResult ocbuild(const std::string& args, const std::string& stdin_text = "") const {
    return run_command("printf '%s\\n' '" + stdin_text + "' | DOCKER_CONFIG='" + dir_.path() + "/docker' '" +
                       ocbuild::testing::ocbuild_binary() + "' " + args + " 2>&1");
  }

  static RegistryServer *plain_, *secure_;
  static std::string *plain_why_, *secure_why_;
  TempDir dir_{"ocbuild-pullpush-cli-"};
};
RegistryServer* PullPushCliTest::plain_ = nullptr;
RegistryServer* PullPushCliTest::secure_ = nullptr;
std::string* PullPushCliTest::plain_why_ = nullptr;
std::string* PullPushCliTest::secure_why_ = nullptr;

TEST_F(PullPushCliTest, PushThenPullWithTheBinary) {
  std::string src = dir_.path() + "/src", dst = dir_.path() + "/dst";
  Descriptor local;
  {
    ContentStore store(src);
    local = make_registry_image(store, "amd64", "cli", "cli/app:1");
  }
  std::string remote = plain_->host() + "/cli/app:7";
  auto pushed = ocbuild("--root " + src + " push cli/app:1 " + remote + " --digestfile " + dir_.path() + "/digest");
  ASSERT_EQ(pushed.status, 0) << pushed.output;
  EXPECT_NE(pushed.output.find(local.digest.str()), std::string::npos) << pushed.output;
  EXPECT_EQ(read_file(dir_.path() + "/digest"), local.digest.str());

  auto pulled = ocbuild("--root " + dst + " pull --platform linux/amd64 " + remote);
  ASSERT_EQ(pulled.status, 0) << pulled.output;
  EXPECT_NE(pulled.output.find(remote), std::string::npos) << pulled.output;
  ContentStore store(dst);
  ASSERT_TRUE(store.resolve(remote));
  EXPECT_EQ(store.resolve(remote)->digest, local.digest);

  auto wrong = ocbuild("--root " + dst + " pull --platform linux/arm64 " + remote);
  EXPECT_NE(wrong.status, 0) << wrong.output;
  EXPECT_NE(wrong.output.find("error: image " + remote + " has no linux/arm64 manifest (has: linux/amd64)\n"),
            std::string::npos)
      << wrong.output;

  auto missing = ocbuild("--root " + dst + " pull " + plain_->host() + "/cli/nothing:1");
  EXPECT_NE(missing.status, 0) << missing.output;
  EXPECT_NE(missing.output.find("cli/nothing"), std::string::npos) << missing.output;
}

TEST_F(PullPushCliTest, PushDefaultsToTheImageName) {
  std::string src = dir_.path() + "/src";
  std::string name = plain_->host() + "/named/app:2";
  {
    ContentStore store(src);
    make_registry_image(store, "amd64", "named", name);
  }
  auto pushed = ocbuild("--root " + src + " push -q " + name);
  ASSERT_EQ(pushed.status, 0) << pushed.output;
  auto pulled = ocbuild("--root " + dir_.path() + "/dst pull -q " + name);
  EXPECT_EQ(pulled.status, 0) << pulled.output;
  EXPECT_EQ(pulled.output, name + "\n");
}

TEST_F(PullPushCliTest, PullWithBasicAuthAfterLogin) {
  Descriptor local;
  {
    ContentStore store(dir_.path() + "/src");
    local = make_registry_image(store, "amd64", "auth", "auth:1");
    PushOptions o;
    o.client.credentials = Credentials{"puller", "S3cret-pull-pw"};
    o.client.use_credential_store = false;
    push(store, "auth:1", Reference::parse(secure_->host() + "/secure/app:1"), o);
  }
  std::string remote = secure_->host() + "/secure/app:1";
  std::string dst = dir_.path() + "/dst";
  auto denied = ocbuild("--root " + dst + " pull " + remote);
  EXPECT_NE(denied.status, 0) << denied.output;
  EXPECT_NE(denied.output.find("unauthorized"), std::string::npos) << denied.output;
  EXPECT_TRUE(ContentStore(dst).list_tags().empty());

  auto login = ocbuild("login " + secure_->host() + " -u puller --password-stdin", "S3cret-pull-pw");
  ASSERT_EQ(login.status, 0) << login.output;
  auto pulled = ocbuild("--root " + dst + " pull " + remote);
  ASSERT_EQ(pulled.status, 0) << pulled.output;
  EXPECT_EQ(ContentStore(dst).resolve(remote)->digest, local.digest);
  EXPECT_EQ(pulled.output.find("S3cret"), std::string::npos);
}

}  // namespace
}  // namespace ocbuild::registry
