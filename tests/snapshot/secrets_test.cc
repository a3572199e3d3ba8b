// --secret and --ssh parsing (docker buildx rules), reading secrets, and the
// private file a RUN gets: 0700 dir, 0400 file, zeroed and removed after.
#include "ocbuild/snapshot/secrets.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstdlib>
#include <filesystem>

#include "snapshot/snapshot_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;
}

TEST(ParseSecretFlag, FileAndEnvForms) {
  SecretSource s = parse_secret_flag("id=aws,src=/root/.aws/credentials");
  EXPECT_EQ(s.id, "aws");
  EXPECT_EQ(s.file, "/root/.aws/credentials");
  EXPECT_EQ(s.env, "");
  EXPECT_EQ(parse_secret_flag("id=k,source=f").file, "f");
  s = parse_secret_flag("id=kube,env=KUBECONFIG");
  EXPECT_EQ(s.env, "KUBECONFIG");
  EXPECT_EQ(s.file, "");
  s = parse_secret_flag("type=env,id=t,src=TOKEN_VAR");  // type=env: src names the variable
  EXPECT_EQ(s.env, "TOKEN_VAR");
  EXPECT_EQ(s.file, "");
  EXPECT_EQ(parse_secret_flag("ID=x,SRC=y").file, "y");  // keys are case-insensitive
}

TEST(ParseSecretFlag, DefaultIsTheVariableNamedLikeTheIdElseTheFile) {
  {
    ScopedEnv env("OCBUILD_TEST_SECRET_ID", "value");
    SecretSource s = parse_secret_flag("id=OCBUILD_TEST_SECRET_ID");
    EXPECT_EQ(s.env, "OCBUILD_TEST_SECRET_ID");
    EXPECT_EQ(s.file, "");
  }
  ScopedEnv unset("OCBUILD_TEST_SECRET_ID", nullptr);
  SecretSource s = parse_secret_flag("id=OCBUILD_TEST_SECRET_ID");
  EXPECT_EQ(s.env, "");
  EXPECT_EQ(s.file, "OCBUILD_TEST_SECRET_ID");
}

TEST(ParseSecretFlag, Errors) {
  EXPECT_EQ(code_of([] { parse_secret_flag("src=/x"); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([] { parse_secret_flag("id=a,bogus=1"); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([] { parse_secret_flag("id=a,type=socket"); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([] { parse_secret_flag("id=a,src"); }), ErrorCode::Invalid);
}

TEST(ParseSecretFlag, LaterFlagWins) {
  SecretMap m = parse_secret_flags({"id=a,src=/one", "id=b,src=/two", "id=a,src=/three"});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("a").file, "/three");
}

TEST(ReadSecret, FromFileAndEnvMissingIsNullopt) {
  TempDir tmp("ocbuild-secret-test-");
  write_file_atomic(tmp.path() + "/s", "file-value");
  EXPECT_EQ(read_secret({"a", tmp.path() + "/s", ""}), "file-value");
  EXPECT_EQ(read_secret({"a", tmp.path() + "/missing", ""}), std::nullopt);
  ScopedEnv env("OCBUILD_TEST_SECRET_VALUE", "env-value");
  EXPECT_EQ(read_secret({"b", "", "OCBUILD_TEST_SECRET_VALUE"}), "env-value");
  EXPECT_EQ(read_secret({"b", "", "OCBUILD_TEST_SECRET_UNSET_VAR"}), std::nullopt);
  write_file_atomic(tmp.path() + "/big", std::string(kMaxSecretSize + 1, 'x'));
  try {
    read_secret({"big", tmp.path() + "/big", ""});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_NE(std::string(e.what()).find("big"), std::string::npos);
  }
}

TEST(MaterializeSecret, PrivateFileRemovedAfterUse) {
  TempDir parent("ocbuild-secret-parent-");
  std::string path, dir;
  {
    MaterializedSecret secret = materialize_secret("s3cr3t", parent.path());
    path = secret.path();
    dir = std::filesystem::path(path).parent_path();
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0400u);
    EXPECT_EQ(st.st_uid, ::geteuid());
    EXPECT_EQ(read_file(path), "s3cr3t");
    MaterializedSecret moved = std::move(secret);  // the moved-from one wipes nothing
    EXPECT_EQ(read_file(moved.path()), "s3cr3t");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// A unix socket listening at `path` for the object's lifetime.
class SocketListener {
 public:
  explicit SocketListener(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw Error::sys("bind " + path, errno);
    if (::listen(fd_.get(), 4) != 0) throw Error::sys("listen", errno);
  }
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
};

TEST(ParseSshFlag, DefaultIsTheAgentSocket) {
  TempDir tmp("ocbuild-ssh-test-");
  std::string sock = tmp.path() + "/agent.sock";
  SocketListener listener(sock);
  {
    ScopedEnv env("SSH_AUTH_SOCK", sock.c_str());
    SshSource s = parse_ssh_flag("default");
    EXPECT_EQ(s.id, "default");
    EXPECT_THAT(s.paths, ::testing::ElementsAre(sock));
  }
  ScopedEnv unset("SSH_AUTH_SOCK", nullptr);
  EXPECT_EQ(code_of([] { parse_ssh_flag("default"); }), ErrorCode::Invalid);
  SshSource named = parse_ssh_flag("github=" + sock);
  EXPECT_EQ(named.id, "github");
  EXPECT_THAT(named.paths, ::testing::ElementsAre(sock));
  write_file_atomic(tmp.path() + "/id_rsa", "key");
  write_file_atomic(tmp.path() + "/id_ed25519", "key");
  SshSource keys = parse_ssh_flag("k=" + tmp.path() + "/id_rsa," + tmp.path() + "/id_ed25519");
  EXPECT_THAT(keys.keys, ::testing::ElementsAre(tmp.path() + "/id_rsa", tmp.path() + "/id_ed25519"));
  EXPECT_TRUE(keys.paths.empty());
  EXPECT_EQ(code_of([&] { parse_ssh_flag("k=" + tmp.path() + "/id_rsa," + sock); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([&] { parse_ssh_flag("k=" + sock + "," + sock); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([&] { parse_ssh_flag("k=" + tmp.path()); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([&] { parse_ssh_flag("k=" + tmp.path() + "/missing"); }), ErrorCode::Invalid);
  EXPECT_EQ(code_of([&] { parse_ssh_flag("=" + sock); }), ErrorCode::Invalid);
  EXPECT_EQ(parse_ssh_flags({"a=" + sock, "b=" + sock}).size(), 2u);
}

}  // namespace
}  // namespace ocbuild::snapshot::test
