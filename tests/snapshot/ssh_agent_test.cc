// The private ssh-agent behind `--ssh ID=KEYFILE`: keys made with ssh-keygen
// are listed by `ssh-add -l` on its socket (whatever the key file's mode),
// an encrypted key is a clear error instead of a prompt, and the destructor
// leaves neither the process nor the socket behind.
#include "ocbuild/snapshot/ssh_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild::snapshot::test {
namespace {

using ocbuild::testing::run_command;

class SshAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* p : {"ssh-agent", "ssh-add", "ssh-keygen"})
      if (!ocbuild::testing::have_program(p)) GTEST_SKIP() << p << " is not installed (openssh-client)";
  }
  // A new key pair at tmp/<name>; returns its fingerprint line as `ssh-add -l` prints it.
  std::string keygen(const std::string& name, const std::string& passphrase = "") {
    std::string key = tmp_.path() + "/" + name;
    auto r = run_command("ssh-keygen -q -t ed25519 -N '" + passphrase + "' -C " + name + " -f " + key + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    return run_command("ssh-keygen -l -f " + key + ".pub").output;
  }
  TempDir tmp_{"ocbuild-ssh-agent-test-"};
};

TEST_F(SshAgentTest, ServesTheKeysAndStopsWhenDestroyed) {
  std::string one = keygen("one"), two = keygen("two");
  ASSERT_EQ(::chmod((tmp_.path() + "/two").c_str(), 0644), 0);  // ssh-add would refuse this file by name
  std::string socket;
  pid_t pid = -1;
  {
    SshAgent agent({tmp_.path() + "/one", tmp_.path() + "/two"}, tmp_.path());
    socket = agent.socket();
    pid = agent.pid();
    auto listed = run_command("SSH_AUTH_SOCK=" + socket + " ssh-add -l 2>&1");
    EXPECT_EQ(listed.status, 0) << listed.output;
    EXPECT_EQ(listed.output, one + two);
    EXPECT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_FALSE(std::filesystem::exists(socket));
  EXPECT_NE(::kill(pid, 0), 0) << "the agent is still running";
  EXPECT_NE(run_command("SSH_AUTH_SOCK=" + socket + " ssh-add -l 2>&1").status, 0);
}

TEST_F(SshAgentTest, EncryptedOrBadKeyIsAClearError) {
  keygen("locked", "a passphrase");
  try {
    SshAgent agent({tmp_.path() + "/locked"}, tmp_.path());
    FAIL() << "an encrypted key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_THAT(e.what(), ::testing::HasSubstr(tmp_.path() + "/locked"));
  }
  std::ofstream(tmp_.path() + "/garbage") << "not a key\n";
  EXPECT_THROW(SshAgent({tmp_.path() + "/garbage"}, tmp_.path()), Error);
  // No agent is left behind: only the key files remain in the dir.
  auto left = run_command("ls " + tmp_.path() + " | grep -c ocbuild-ssh-agent-");
  EXPECT_EQ(left.output, "0\n");
}

// A build killed with SIGKILL runs no destructor: the agent (holding the
// keys) must still end, through PR_SET_PDEATHSIG.
TEST_F(SshAgentTest, AgentDiesWithAKilledOwner) {
  keygen("k");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t owner = ::fork();
  ASSERT_GE(owner, 0);
  if (owner == 0) {
    ::close(fds[0]);
    try {
      SshAgent agent({tmp_.path() + "/k"}, tmp_.path());
      pid_t pid = agent.pid();
      if (::write(fds[1], &pid, sizeof pid) != sizeof pid) ::_exit(1);
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(fds[1]);
  pid_t agent = -1;
  ASSERT_EQ(::read(fds[0], &agent, sizeof agent), static_cast<ssize_t>(sizeof agent));
  ::close(fds[0]);
  ASSERT_EQ(::kill(agent, 0), 0);
  ::kill(owner, SIGKILL);
  ::waitpid(owner, nullptr, 0);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    // The agent is reparented (not our child): gone once /proc has no such
    // process or only a zombie is left.
    std::string stat = run_command("cat /proc/" + std::to_string(agent) + "/stat 2>/dev/null").output;
    gone = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!gone) ::usleep(10000);
  }
  EXPECT_TRUE(gone) << "ssh-agent " << agent << " outlived its killed owner";
}

TEST_F(SshAgentTest, StartAgentsFillsTheSocketOfKeySources) {
  keygen("k");
  SshMap map;
  map["default"] = SshSource{"default", {}, {tmp_.path() + "/k"}};
  map["sock"] = SshSource{"sock", {"/some/agent.sock"}, {}};
  auto agents = start_ssh_agents(map, tmp_.path());
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_THAT(map["default"].paths, ::testing::ElementsAre(agents[0].socket()));
  EXPECT_THAT(map["sock"].paths, ::testing::ElementsAre("/some/agent.sock"));
}

}  // namespace
}  // namespace ocbuild::snapshot::test
