#pragma once
// FileLock: an exclusive (or shared) flock(2) on a lock file, held for the
// owner's lifetime. Serializes writers across processes; the kernel drops it
// if the process dies, so a crash never leaves a stale lock.
#include <optional>
#include <string>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Blocks until the lock is held; creates the lock file if needed.
  explicit FileLock(const std::string& path, Mode mode = Mode::Exclusive);
  // Does not block: nullopt when another owner holds a conflicting lock.
  static std::optional<FileLock> try_lock(const std::string& path, Mode mode = Mode::Exclusive);
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept = default;

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace ocbuild
