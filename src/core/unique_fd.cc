#include "ocbuild/core/unique_fd.h"

#include <fcntl.h>
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

}  // namespace ocbuild
