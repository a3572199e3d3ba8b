#pragma once
// UniqueFd owns a file descriptor; plus the few raw-syscall wrappers that
// retry on EINTR. All raw fd plumbing of the project goes through here.
#include <sys/types.h>

#include <string>
#include <utility>

namespace ocbuild {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// open(path, O_RDONLY|O_CLOEXEC); throws Error(Io) naming the path.
UniqueFd open_readonly(const std::string& path);
// Read/write that retry on EINTR; write_all throws Error(Io) on failure.
ssize_t read_retry(int fd, void* buf, size_t size) noexcept;
void write_all(int fd, const void* buf, size_t size, const std::string& what);
// Copies what is left of `in` to `out` until end of file; throws Error(Io)
// naming `from` (a read failed) or `to` (a write failed).
void copy_all(int in, int out, const std::string& from, const std::string& to);
// Creates `to` (it must not exist) with the content of `from` and mode
// `mode & 07777`; a symlink `from` is followed only with `follow_links`.
// Returns the new file, still open (e.g. for fchown). Throws Error(Io).
UniqueFd copy_to_new_file(const std::string& from, const std::string& to, mode_t mode, bool follow_links);

}  // namespace ocbuild
