#include "ocbuild/snapshot/executor.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "snapshot/child_process.h"
#include "snapshot/child_report.h"
#include "snapshot/id_map.h"
#include "snapshot/output_pump.h"
#include "snapshot/prepared_run.h"
#include "snapshot/sys.h"

namespace ocbuild::snapshot {
namespace {

struct Pipe {
  UniqueFd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("RUN setup: pipe", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Error clone_error(int err) {
  std::string hint =
      err == EPERM || err == ENOSPC || err == EINVAL || err == EUSERS
          ? " (user namespaces are not available: enable kernel.unprivileged_userns_clone=1, raise "
            "user.max_user_namespaces, or allow unshare in the container's seccomp/AppArmor profile)"
          : "";
  return Error::sys("RUN setup: clone with new user, mount and pid namespaces" + hint, err);
}

Error setup_error(const ChildReport& r, bool overlay) {
  std::string msg = std::string("RUN setup: ") + r.step + ": " + std::strerror(r.err);
  if (r.detail[0]) msg += std::string(" (") + r.detail + ")";
  if (overlay && std::strcmp(r.step, "mount root file system") == 0)
    msg += "; overlayfs in a user namespace needs Linux 5.11 or newer: use a plain directory root "
           "(the native snapshotter) instead";
  Error e(ErrorCode::Sys, msg);
  e.with_errno(r.err);
  return e;
}

// What the parent learns while the RUN runs.
struct Supervision {
  std::optional<ChildReport> error;
  bool cancelled = false;
};

class Supervisor {
 public:
  Supervisor(const RunSpec& spec, RunResult& result, OutputPump& pump)
      : spec_(spec), result_(result), pump_(pump) {}

  Supervision watch(ChildProcess& child, UniqueFd& report, UniqueFd& out, UniqueFd& err, int cancel_fd);

 private:
  void on_report(UniqueFd& fd, Supervision& s);
  void on_output(UniqueFd& fd, bool is_stderr);

  const RunSpec& spec_;
  RunResult& result_;
  OutputPump& pump_;
};

Supervision Supervisor::watch(ChildProcess& child, UniqueFd& report, UniqueFd& out, UniqueFd& err,
                              int cancel_fd) {
  Supervision s;
  bool exited = false;
  while (out || err || report || !exited) {
    pollfd fds[5] = {{out.get(), POLLIN, 0},        {err.get(), POLLIN, 0}, {report.get(), POLLIN, 0},
                     {exited ? -1 : child.pidfd(), POLLIN, 0}, {s.cancelled ? -1 : cancel_fd, POLLIN, 0}};
    if (::poll(fds, 5, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error::sys("RUN: poll", errno);
    }
    if (fds[0].revents) on_output(out, false);
    if (fds[1].revents) on_output(err, true);
    if (fds[2].revents) on_report(report, s);
    if (fds[3].revents) exited = true;
    if (fds[4].revents) {
      s.cancelled = true;
      child.kill();
    }
  }
  return s;
}

void Supervisor::on_report(UniqueFd& fd, Supervision& s) {
  ChildReport r;
  ssize_t n = read_retry(fd.get(), &r, sizeof r);
  if (n <= 0) return fd.reset();  // closed at execve (or the child died)
  if (n != static_cast<ssize_t>(sizeof r)) return;
  switch (r.kind) {
    case ReportKind::Created: result_.created_paths.emplace_back(r.detail); break;
    case ReportKind::Warning:
      if (spec_.on_warning)
        spec_.on_warning(std::string("RUN setup: cannot mount ") + r.step + " (" + std::strerror(r.err) +
                         "): " + r.detail);
      break;
    case ReportKind::Error:
      if (!s.error) s.error = r;
      break;
  }
}

void Supervisor::on_output(UniqueFd& fd, bool is_stderr) {
  char buf[16384];
  ssize_t n = read_retry(fd.get(), buf, sizeof buf);
  if (n <= 0) return fd.reset();
  pump_.feed(buf, static_cast<size_t>(n), is_stderr);
}

unsigned long clone_flags(const RunSpec& spec) {
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (spec.network == NetworkMode::None) flags |= CLONE_NEWNET;
  return flags;
}

}  // namespace

Executor::Executor() : cancel_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!cancel_fd_) throw Error::sys("RUN: eventfd", errno);
}

void Executor::cancel() noexcept {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(cancel_fd_.get(), &one, sizeof one);
}

void Executor::warn_once(const RunSpec& spec, const std::string& message) {
  if (!warned_single_map_.exchange(true) && spec.on_warning) spec.on_warning(message);
}

RunResult Executor::run(const RunSpec& spec, std::stop_token stop) {
  IdMapPlan maps = plan_id_maps();
  if (maps.single)
    warn_once(spec, "RUN: only one uid/gid is mapped in the user namespace (" + maps.why_single +
                        "); chown and other users will fail");
  TempDir run_dir("ocbuild-run-");
  PreparedRun prepared(spec, run_dir.path(), maps);
  Pipe sync = make_pipe(), report = make_pipe(), out = make_pipe(), err = make_pipe();
  ChildPlan& plan = prepared.plan();
  plan.sync_fd = sync.read.get();
  plan.report_fd = report.write.get();
  plan.stdout_fd = out.write.get();
  plan.stderr_fd = err.write.get();
  std::stop_callback on_stop(stop, [this] { cancel(); });
  pid_t pid = sys::clone_fork(clone_flags(spec));
  if (pid < 0) throw clone_error(errno);
  if (pid == 0) {
    child_main(plan);
    ::_exit(127);
  }
  ChildProcess child(pid);
  sync.read.reset();
  report.write.reset();
  out.write.reset();
  err.write.reset();
  apply_id_maps(pid, maps);
  write_all(sync.write.get(), "1", 1, "RUN sync pipe");
  sync.write.reset();

  RunResult result;
  OutputPump pump(spec.on_output, spec.tail_lines);
  Supervision s = Supervisor(spec, result, pump).watch(child, report.read, out.read, err.read, cancel_fd_.get());
  pump.finish();
  int status = child.wait();
  if (s.error && !s.cancelled) throw setup_error(*s.error, std::holds_alternative<OverlayRoot>(spec.root));
  result.cancelled = s.cancelled;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.tail = pump.tail();
  return result;
}

RunResult run(const RunSpec& spec) { return Executor().run(spec); }

std::vector<std::string> shell_argv(const std::vector<std::string>& shell, const std::string& command) {
  std::vector<std::string> argv = shell.empty() ? std::vector<std::string>{"/bin/sh", "-c"} : shell;
  argv.push_back(command);
  return argv;
}

}  // namespace ocbuild::snapshot
