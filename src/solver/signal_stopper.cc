#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "ocbuild/core/error.h"
#include "ocbuild/solver/scheduler.h"

namespace ocbuild::solver {
namespace {

std::atomic<int> g_signal_fd{-1};  // the handler may only write here
std::atomic<int> g_last_signal{0};
struct sigaction g_old_int, g_old_term;

void on_signal(int sig) {
  int saved = errno;
  unsigned char b = static_cast<unsigned char>(sig);
  int fd = g_signal_fd.load();
  if (fd >= 0) (void)!::write(fd, &b, 1);
  errno = saved;
}

}  // namespace

SignalStopper::SignalStopper(std::stop_source source) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", errno);
  read_end_.reset(fds[0]);
  write_end_.reset(fds[1]);
  int expected = -1;
  if (!g_signal_fd.compare_exchange_strong(expected, write_end_.get())) {
    throw Error(ErrorCode::Internal, "a SignalStopper is already installed");
  }
  g_last_signal = 0;
  watcher_ = std::thread([fd = read_end_.get(), source]() mutable {
    unsigned char b = 0;
    while (read_retry(fd, &b, 1) == 1 && b != 0) {
      g_last_signal = b;
      source.request_stop();
    }
  });
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
}

SignalStopper::~SignalStopper() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  g_signal_fd = -1;
  unsigned char zero = 0;  // tells the watcher to finish
  (void)!::write(write_end_.get(), &zero, 1);
  watcher_.join();
}

int SignalStopper::last_signal() const { return g_last_signal.load(); }

}  // namespace ocbuild::solver
