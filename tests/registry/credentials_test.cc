// Credential lookup from docker config.json (auths, credHelpers, credsStore)
// and the containers auth.json, and atomic storing for login/logout.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/auth.h"

namespace ocbuild::registry {
namespace {

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

constexpr const char* kHelper = R"(#!/bin/sh
[ "$1" = get ] || exit 2
read server
case "$server" in
  helper.example.com) echo '{"ServerURL":"helper.example.com","Username":"hu","Secret":"hs"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"hubs"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)";

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file_atomic(dir_.path() + "/bin/docker-credential-test", kHelper, 0755);
  }
  void config(const nlohmann::json& j) { write_file_atomic(dir_.path() + "/docker/config.json", j.dump()); }
  TempDir dir_{"ocbuild-creds-"};
  bool made_ = [this] {
    ::mkdir((dir_.path() + "/bin").c_str(), 0755);
    ::mkdir((dir_.path() + "/docker").c_str(), 0755);
    return true;
  }();
  ScopedEnv docker_{"DOCKER_CONFIG", dir_.path() + "/docker"};
  ScopedEnv path_{"PATH", dir_.path() + "/bin:" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")};
  ScopedEnv auth_file_{"REGISTRY_AUTH_FILE", dir_.path() + "/auth.json"};
};

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("user:pa:ss"), "dXNlcjpwYTpzcw==");
  EXPECT_EQ(base64_decode("dXNlcjpwYTpzcw=="), "user:pa:ss");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_FALSE(base64_decode("no!pe"));
}

TEST_F(CredentialsTest, AuthsEntryIsDecoded) {
  config({{"auths", {{"127.0.0.1:5000", {{"auth", base64_encode("alice:pa:ss")}}}}}});
  auto c = lookup_credentials("127.0.0.1:5000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password, "pa:ss");
  EXPECT_FALSE(lookup_credentials("127.0.0.1:5001"));
}

TEST_F(CredentialsTest, AuthsKeysWithSchemeAndDockerHub) {
  config({{"auths",
           {{"https://reg.example.com/v1/", {{"auth", base64_encode("a:b")}}},
            {"https://index.docker.io/v1/", {{"auth", base64_encode("hubuser:hubpw")}}}}}});
  EXPECT_EQ(lookup_credentials("reg.example.com")->username, "a");
  EXPECT_EQ(lookup_credentials("docker.io")->password, "hubpw");
  EXPECT_EQ(config_key_for("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(config_key_for("quay.io"), "quay.io");
}

TEST_F(CredentialsTest, CredHelperForOneHost) {
  config({{"credHelpers", {{"helper.example.com", "test"}}},
          {"auths", {{"other.example.com", {{"auth", base64_encode("o:p")}}}}}});
  auto c = lookup_credentials("helper.example.com");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "hu");
  EXPECT_EQ(c->password, "hs");
  EXPECT_EQ(lookup_credentials("other.example.com")->username, "o");
}

TEST_F(CredentialsTest, CredsStoreWithFallbackToAuths) {
  config({{"credsStore", "test"}, {"auths", {{"plain.example.com", {{"auth", base64_encode("p:q")}}}}}});
  EXPECT_EQ(lookup_credentials("docker.io")->username, "hub");
  EXPECT_EQ(lookup_credentials("plain.example.com")->username, "p");  // helper says not found
  EXPECT_FALSE(lookup_credentials("nowhere.example.com"));
}

TEST_F(CredentialsTest, MissingHelperIsAClearError) {
  config({{"credsStore", "does-not-exist"}});
  try {
    lookup_credentials("x.example.com");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("docker-credential-does-not-exist"), std::string::npos) << e.what();
  }
}

TEST_F(CredentialsTest, ContainersAuthFile) {
  write_file_atomic(dir_.path() + "/auth.json",
                    nlohmann::json{{"auths", {{"quay.io", {{"auth", base64_encode("q:r")}}}}}}.dump());
  EXPECT_EQ(lookup_credentials("quay.io")->username, "q");
  ScopedEnv no_file("REGISTRY_AUTH_FILE", "");
  ScopedEnv run("XDG_RUNTIME_DIR", dir_.path() + "/run");
  EXPECT_EQ(containers_auth_path(), dir_.path() + "/run/containers/auth.json");
  EXPECT_FALSE(lookup_credentials("quay.io"));
}

TEST_F(CredentialsTest, MalformedConfigNamesTheFile) {
  write_file_atomic(dir_.path() + "/docker/config.json", "{not json");
  try {
    lookup_credentials("x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_NE(std::string(e.what()).find("/docker/config.json"), std::string::npos);
  }
}

TEST_F(CredentialsTest, StoreKeepsOtherFieldsAndIsPrivate) {
  config({{"credHelpers", {{"a.example.com", "test"}}}, {"auths", {{"keep.example.com", {{"auth", "eDp5"}}}}}});
  store_credentials("127.0.0.1:5000", {"bob", "s3cret"});
  std::string path = dir_.path() + "/docker/config.json";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto j = nlohmann::json::parse(read_file(path));
  EXPECT_EQ(j["credHelpers"]["a.example.com"], "test");
  EXPECT_EQ(j["auths"]["keep.example.com"]["auth"], "eDp5");
  EXPECT_EQ(j["auths"]["127.0.0.1:5000"]["auth"], base64_encode("bob:s3cret"));
  EXPECT_EQ(lookup_credentials("127.0.0.1:5000")->password, "s3cret");
  EXPECT_TRUE(erase_credentials("127.0.0.1:5000"));
  EXPECT_FALSE(erase_credentials("127.0.0.1:5000"));
  EXPECT_FALSE(lookup_credentials("127.0.0.1:5000"));
  EXPECT_EQ(nlohmann::json::parse(read_file(path))["auths"]["keep.example.com"]["auth"], "eDp5");
}

TEST_F(CredentialsTest, StoreCreatesTheConfig) {
  ScopedEnv fresh("DOCKER_CONFIG", dir_.path() + "/new/dir");
  store_credentials("docker.io", {"u", "p"});
  auto j = nlohmann::json::parse(read_file(dir_.path() + "/new/dir/config.json"));
  EXPECT_EQ(j["auths"]["https://index.docker.io/v1/"]["auth"], base64_encode("u:p"));
}

}  // namespace
}  // namespace ocbuild::registry
