#pragma once
// AtomicFile: write to a temp file beside the target, fsync, and rename over
// the target on an explicit commit(). The destructor never commits: an
// exception or crash leaves the old file (or none) in place.
#include <string>
#include <string_view>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild {

class AtomicFile {
 public:
  // Creates a temp file in the target's directory with the given mode
  // (before umask is bypassed: the mode is set exactly with fchmod).
  explicit AtomicFile(std::string target, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_.get(); }
  const std::string& temp_path() const { return temp_; }
  void write(std::string_view bytes);
  // fsync the file, rename it over the target, fsync the directory.
  void commit();

 private:
  std::string target_;
  std::string temp_;
  UniqueFd fd_;
  bool committed_ = false;
};

// Writes bytes to path atomically (AtomicFile + commit).
void write_file_atomic(const std::string& path, std::string_view bytes, unsigned mode = 0644);
// Reads a whole file; throws Error(Io) (NotFound when it does not exist).
std::string read_file(const std::string& path);
// fsync a directory so a rename in it is durable.
void fsync_dir(const std::string& dir);

}  // namespace ocbuild
