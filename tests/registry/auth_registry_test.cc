// Basic auth against a real registry (htpasswd, bcrypt), the `login` and
// `logout` commands, and errors that never carry the password.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/client.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::RegistryServer;
using ocbuild::testing::RegistrySuite;
using ocbuild::testing::run_command;

constexpr const char* kUser = "builder";
constexpr const char* kPassword = "Tr0ub4dor-and-3";
constexpr const char* kWrong = "wrong-Pa55word-xyz";

class AuthRegistryTest : public RegistrySuite<AuthRegistryTest> {
 public:
  static RegistryServer::Options registry_options() { return {kUser, kPassword}; }

 protected:
  Client client(std::optional<Credentials> creds) const {
    ClientOptions o;
    o.credentials = std::move(creds);
    o.use_credential_store = false;
    return Client(server_->host(), "secure/app", o);
  }
  // Runs the ocbuild binary with DOCKER_CONFIG pointing into a temp dir.
  ocbuild::testing::CommandResult ocbuild(const std::string& args, const std::string& stdin_text = "") const {
    return run_command("printf '%s\\n' '" + stdin_text + "' | DOCKER_CONFIG='" + config_dir_.path() + "' '" +
                       ocbuild::testing::ocbuild_binary() + "' " + args);
  }
  std::string config_path() const { return config_dir_.path() + "/config.json"; }

  TempDir config_dir_{"ocbuild-dockercfg-"};
};

TEST_F(AuthRegistryTest, RightCredentialsPushAndPull) {
  Client c = client(Credentials{kUser, kPassword});
  c.verify_login();
  std::string bytes = "hello, authenticated registry";
  UniqueFd fd(::memfd_create("blob", MFD_CLOEXEC));
  write_all(fd.get(), bytes.data(), bytes.size(), "memfd");
  Digest d = Digest::of(bytes);
  EXPECT_EQ(c.push_blob(d, fd.get(), static_cast<int64_t>(bytes.size())), BlobPushResult::Uploaded);
  StringBlobSink sink;
  c.fetch_blob(d, sink);
  EXPECT_EQ(sink.bytes(), bytes);
}

TEST_F(AuthRegistryTest, AnonymousIsToldToLogIn) {
  try {
    client(std::nullopt).get_manifest("1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Registry);
    std::string want = server_->host() + "/secure/app:1: unauthorized: run `ocbuild login " + server_->host() + "`";
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
  }
}

TEST_F(AuthRegistryTest, WrongPasswordErrorHidesThePassword) {
  for (auto call : {+[](const Client& c) { c.verify_login(); }, +[](const Client& c) { c.get_manifest("1"); }}) {
    try {
      call(client(Credentials{kUser, kWrong}));
      FAIL() << "a wrong password was accepted";
    } catch (const Error& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("unauthorized"), std::string::npos) << msg;
      EXPECT_NE(msg.find("ocbuild login " + server_->host()), std::string::npos) << msg;
      EXPECT_EQ(msg.find(kWrong), std::string::npos) << msg;
      EXPECT_EQ(msg.find(base64_encode(std::string(kUser) + ":" + kWrong)), std::string::npos) << msg;
    }
  }
}

TEST_F(AuthRegistryTest, LoginStoresCredentialsThatTheClientFinds) {
  auto r = ocbuild("login " + server_->host() + " -u " + kUser + " --password-stdin", kPassword);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find(kPassword), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(config_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto j = nlohmann::json::parse(read_file(config_path()));
  EXPECT_EQ(j["auths"][server_->host()]["auth"], base64_encode(std::string(kUser) + ":" + kPassword));

  // A client with no explicit credentials now finds them in the config.
  ::setenv("DOCKER_CONFIG", config_dir_.path().c_str(), 1);
  ClientOptions o;
  Client c(server_->host(), "secure/app", o);
  EXPECT_NO_THROW(c.verify_login());
  EXPECT_FALSE(c.head_manifest("missing"));
  ::unsetenv("DOCKER_CONFIG");

  r = ocbuild("logout " + server_->host());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(nlohmann::json::parse(read_file(config_path()))["auths"].contains(server_->host()));
  EXPECT_NE(ocbuild("logout " + server_->host()).status, 0);
}

TEST_F(AuthRegistryTest, LoginWithAWrongPasswordWritesNothing) {
  auto r = ocbuild("login " + server_->host() + " -u " + kUser + " --password-stdin", kWrong);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("unauthorized"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(kWrong), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(config_path()));
}

}  // namespace
}  // namespace ocbuild::registry
