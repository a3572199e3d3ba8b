#include "snapshot/userns_helper.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "snapshot/id_map.h"

namespace ocbuild::snapshot {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read_retry(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// The child: wait for the maps, run the work, send "<code char><payload>".
[[noreturn]] void child_main(int go_fd, int result_fd, const std::function<std::string()>& work) {
  std::string reply;
  char go = 0;
  if (read_retry(go_fd, &go, 1) != 1 || go != 'g') ::_exit(3);
  try {
    reply = "k" + work();
  } catch (const Error& e) {
    reply = std::string(1, static_cast<char>('A' + static_cast<int>(e.code()))) + e.message();
  } catch (const std::exception& e) {
    reply = std::string(1, static_cast<char>('A' + static_cast<int>(ErrorCode::Internal))) + e.what();
  }
  try {
    write_all(result_fd, reply.data(), reply.size(), "result pipe");
  } catch (...) {
    ::_exit(4);
  }
  ::_exit(0);
}

}  // namespace

std::string as_container_root(const std::function<std::string()>& work) {
  if (::geteuid() == 0) return work();
  IdMapPlan plan = plan_id_maps();
  int go[2], result[2], ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  UniqueFd ready_r(ready[0]), ready_w(ready[1]);
  if (::pipe2(go, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  UniqueFd go_r(go[0]), go_w(go[1]);
  if (::pipe2(result, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  UniqueFd res_r(result[0]), res_w(result[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw Error::sys("fork for the user namespace helper", errno);
  if (pid == 0) {
    if (::unshare(CLONE_NEWUSER) != 0) ::_exit(2);
    if (::write(ready_w.get(), "r", 1) != 1) ::_exit(2);
    ready_w = UniqueFd();
    go_w = UniqueFd();
    res_r = UniqueFd();
    child_main(go_r.get(), res_w.get(), work);
  }
  res_w = UniqueFd();
  go_r = UniqueFd();
  std::string reply;
  try {
    ready_w = UniqueFd();
    char r = 0;
    if (read_retry(ready_r.get(), &r, 1) != 1) throw Error(ErrorCode::Sys, "user namespace helper: unshare failed");
    apply_id_maps(pid, plan);
    write_all(go_w.get(), "g", 1, "helper pipe");
    go_w = UniqueFd();
    reply = read_all(res_r.get());
  } catch (...) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (reply.empty())
    throw Error(ErrorCode::Sys, "user namespace helper failed (status " + std::to_string(status) + ")");
  if (reply[0] == 'k') return reply.substr(1);
  throw Error(static_cast<ErrorCode>(reply[0] - 'A'), reply.substr(1));
}

}  // namespace ocbuild::snapshot
