#include "ocbuild/core/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "ocbuild/core/error.h"

namespace ocbuild {

FileLock::FileLock(const std::string& path, Mode mode) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error::io("open lock " + path, errno);
  fd_.reset(fd);
  int op = mode == Mode::Exclusive ? LOCK_EX : LOCK_SH;
  while (::flock(fd, op) != 0) {
    if (errno != EINTR) throw Error::io("lock " + path, errno);
  }
}

std::optional<FileLock> FileLock::try_lock(const std::string& path, Mode mode) {
  int raw = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (raw < 0) throw Error::io("open lock " + path, errno);
  UniqueFd fd(raw);
  int op = (mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  while (::flock(fd.get(), op) != 0) {
    if (errno == EWOULDBLOCK) return std::nullopt;
    if (errno != EINTR) throw Error::io("lock " + path, errno);
  }
  return FileLock(std::move(fd));
}

}  // namespace ocbuild
