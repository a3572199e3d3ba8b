// The docker credential helper protocol: `docker-credential-NAME get`, the
// server URL on stdin, a JSON object on stdout.
#include "registry/credential_helper.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

extern char** environ;

namespace ocbuild::registry {
namespace {

struct Pipe {
  UniqueFd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

struct SpawnActions {
  posix_spawn_file_actions_t a;
  SpawnActions() { posix_spawn_file_actions_init(&a); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a); }
};

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read_retry(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int wait_child(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

std::optional<Credentials> run_credential_helper(const std::string& name, const std::string& server) {
  std::string program = "docker-credential-" + name;
  Pipe in = make_pipe(), out = make_pipe();
  SpawnActions act;
  posix_spawn_file_actions_adddup2(&act.a, in.read.get(), 0);
  posix_spawn_file_actions_adddup2(&act.a, out.write.get(), 1);
  std::string arg0 = program, arg1 = "get";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, program.c_str(), &act.a, nullptr, argv, environ);
  if (rc != 0) throw Error(ErrorCode::Registry, "cannot run credential helper " + program + " (is it on PATH?)").with_errno(rc);
  in.read.reset();
  out.write.reset();
  try {
    write_all(in.write.get(), server.data(), server.size(), program + " stdin");
  } catch (const Error&) {
    // The helper may exit without reading; its status tells what happened.
  }
  in.write.reset();
  std::string reply = read_all(out.read.get());
  int status = wait_child(pid);
  if (status != 0) {
    if (reply.find("credentials not found") != std::string::npos) return std::nullopt;
    throw Error(ErrorCode::Registry, program + " get failed for " + server + " (exit status " + std::to_string(status) + ")");
  }
  auto j = nlohmann::json::parse(reply, nullptr, false);
  if (!j.is_object() || !j.contains("Secret"))
    throw Error(ErrorCode::Registry, program + " get returned malformed output for " + server);
  Credentials c;
  c.username = j.value("Username", "");
  c.password = j.value("Secret", "");
  return c;
}

}  // namespace ocbuild::registry
