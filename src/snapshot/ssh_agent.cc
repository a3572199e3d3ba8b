// The private agent is two programs from openssh-client run as children:
// `ssh-agent -D -a SOCK` (foreground, so its pid is ours to kill; a
// watchdog ends it even when we are killed) and one
// `ssh-add -` per key, the key on stdin. Both run in a new session: without
// a controlling terminal an encrypted key fails instead of prompting.
#include "ocbuild/snapshot/ssh_agent.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

extern char** environ;

namespace ocbuild::snapshot {
namespace {

// The environment minus what would point ssh-add elsewhere or prompt.
std::vector<std::string> child_env(const std::string& socket) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("SSH_AUTH_SOCK=") || kv.starts_with("SSH_ASKPASS") || kv.starts_with("DISPLAY=")) continue;
    env.emplace_back(kv);
  }
  env.push_back("SSH_AUTH_SOCK=" + socket);
  env.push_back("SSH_ASKPASS_REQUIRE=never");
  return env;
}

// posix_spawnp in a new session with stdin, stdout and stderr as given.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, int in, int out, int err) {
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr), envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT) throw Error(ErrorCode::NotFound, args[0] + " is not installed (apt-get install openssh-client)");
  if (rc != 0) throw Error::sys("start " + args[0], rc);
  return pid;
}

// ssh-agent is set-group-id on Debian, and exec of such a program clears
// PR_SET_PDEATHSIG; so a forked watchdog (async-signal-safe calls only)
// waits for EOF on a pipe whose write end only we hold, then kills the
// agent: it ends even when ocbuild is killed with SIGKILL and no destructor
// runs, so no agent holding the keys outlives the build.
pid_t start_watchdog(pid_t agent, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw Error::sys("fork the ssh-agent watchdog", errno);
  }
  if (pid == 0) {
    ::close(fds[1]);
    ::setsid();  // Ctrl-C goes to the build, not here
    char byte;
    while (::read(fds[0], &byte, 1) < 0 && errno == EINTR) {
    }
    ::kill(agent, SIGTERM);
    ::_exit(0);
  }
  ::close(fds[0]);
  write_end = UniqueFd(fds[1]);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

UniqueFd open_or_throw(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd) throw Error::io("open " + path, errno);
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read_retry(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// `ssh-add -` with the key file on stdin; its stderr goes into the error.
void add_key(const std::string& key, const std::vector<std::string>& env) {
  UniqueFd in = open_or_throw(key, O_RDONLY);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(ErrorCode::Invalid, "--ssh key " + key + " is not a regular file");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  UniqueFd null = open_or_throw("/dev/null", O_WRONLY);
  pid_t pid = spawn({"ssh-add", "-q", "-"}, env, in.get(), null.get(), write_end.get());
  write_end.reset();
  std::string message = read_all(read_end.get());
  if (wait_exit(pid) == 0) return;
  if (message.find("passphrase") != std::string::npos)
    throw Error(ErrorCode::Invalid, "--ssh key " + key + " is encrypted: there is no passphrase prompt; add it to "
                                    "an ssh-agent and give the agent's socket (--ssh default=$SSH_AUTH_SOCK)");
  throw Error(ErrorCode::Invalid, "--ssh key " + key + ": ssh-add could not add it" +
                                      (message.empty() ? "" : ": " + message));
}

}  // namespace

SshAgent::SshAgent(const std::vector<std::string>& keys, const std::string& parent)
    : dir_("ocbuild-ssh-agent-", parent), socket_(dir_.path() + "/agent.sock") {
  std::vector<std::string> env = child_env(socket_);
  UniqueFd null_in = open_or_throw("/dev/null", O_RDONLY), null_out = open_or_throw("/dev/null", O_WRONLY);
  pid_ = spawn({"ssh-agent", "-D", "-a", socket_}, env, null_in.get(), null_out.get(), null_out.get());
  try {
    watchdog_ = start_watchdog(pid_, watch_fd_);
  } catch (...) {
    stop();
    throw;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  struct stat st {};
  while (::stat(socket_.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      stop();  // reaps the watchdog
      throw Error(ErrorCode::Sys, "ssh-agent exited before it made its socket " + socket_);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw Error(ErrorCode::Sys, "ssh-agent made no socket " + socket_ + " within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  try {
    for (const auto& key : keys) add_key(key, env);
  } catch (...) {
    stop();
    throw;
  }
}

SshAgent::~SshAgent() { stop(); }

SshAgent::SshAgent(SshAgent&& o) noexcept
    : dir_(std::move(o.dir_)), socket_(std::move(o.socket_)), pid_(o.pid_), watchdog_(o.watchdog_),
      watch_fd_(std::move(o.watch_fd_)) {
  o.pid_ = -1, o.watchdog_ = -1;
}

SshAgent& SshAgent::operator=(SshAgent&& o) noexcept {
  if (this != &o) {
    stop();
    dir_ = std::move(o.dir_);
    socket_ = std::move(o.socket_);
    pid_ = o.pid_, watchdog_ = o.watchdog_;
    watch_fd_ = std::move(o.watch_fd_);
    o.pid_ = -1, o.watchdog_ = -1;
  }
  return *this;
}

// SIGTERM makes ssh-agent remove its socket; the TempDir takes the rest.
void SshAgent::stop() noexcept {
  watch_fd_.reset();  // the watchdog sends SIGTERM too, and exits
  for (pid_t* pid : {&pid_, &watchdog_}) {
    if (*pid <= 0) continue;
    if (pid == &pid_) ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
    *pid = -1;
  }
}

std::vector<SshAgent> start_ssh_agents(SshMap& sources, const std::string& parent) {
  std::vector<SshAgent> agents;
  for (auto& [id, source] : sources) {
    if (source.keys.empty()) continue;
    try {
      agents.emplace_back(source.keys, parent);
    } catch (Error& e) {
      e.add_context("--ssh " + id);
      throw;
    }
    source.paths = {agents.back().socket()};
  }
  return agents;
}

}  // namespace ocbuild::snapshot
