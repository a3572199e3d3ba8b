#include "ocbuild/core/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "ocbuild/core/error.h"

namespace ocbuild {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

UniqueFd open_readonly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error::io("open " + path, errno);
  return UniqueFd(fd);
}

ssize_t read_retry(int fd, void* buf, size_t size) noexcept {
  for (;;) {
    ssize_t n = ::read(fd, buf, size);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

void write_all(int fd, const void* buf, size_t size, const std::string& what) {
  auto* p = static_cast<const char*>(buf);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::io("write " + what, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

UniqueFd copy_to_new_file(const std::string& from, const std::string& to, mode_t mode, bool follow_links) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | (follow_links ? 0 : O_NOFOLLOW)));
  if (!in) throw Error::io("open " + from, errno);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out) throw Error::io("create " + to, errno);
  copy_all(in.get(), out.get(), from, to);
  if (::fchmod(out.get(), mode & 07777) != 0) throw Error::io("chmod " + to, errno);
  return out;
}

void copy_all(int in, int out, const std::string& from, const std::string& to) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read_retry(in, buf, sizeof buf);
    if (n < 0) throw Error::io("read " + from, errno);
    if (n == 0) return;
    write_all(out, buf, static_cast<size_t>(n), to);
  }
}

}  // namespace ocbuild
