#include "ocbuild/core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "ocbuild/core/error.h"

namespace ocbuild {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string target, unsigned mode) : target_(std::move(target)) {
  fs::path p(target_);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  temp_ = dir + "/.tmp-" + p.filename().string() + "-XXXXXX";
  int fd = ::mkostemp(temp_.data(), O_CLOEXEC);
  if (fd < 0) throw Error::io("create temp file for " + target_, errno);
  fd_.reset(fd);
  if (::fchmod(fd, mode) != 0) throw Error::io("chmod " + temp_, errno);
}

AtomicFile::~AtomicFile() {
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view bytes) { write_all(fd_.get(), bytes.data(), bytes.size(), temp_); }

void AtomicFile::commit() {
  if (::fsync(fd_.get()) != 0) throw Error::io("fsync " + temp_, errno);
  fd_.reset();
  if (::rename(temp_.c_str(), target_.c_str()) != 0) throw Error::io("rename to " + target_, errno);
  committed_ = true;
  fs::path p(target_);
  fsync_dir(p.has_parent_path() ? p.parent_path().string() : ".");
}

void write_file_atomic(const std::string& path, std::string_view bytes, unsigned mode) {
  AtomicFile f(path, mode);
  f.write(bytes);
  f.commit();
}

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    Error e = Error::io("open " + path, err);
    if (err == ENOENT) e = Error(ErrorCode::NotFound, path + ": no such file");
    throw e.with_errno(err);
  }
  UniqueFd owner(fd);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read_retry(fd, buf, sizeof buf);
    if (n < 0) throw Error::io("read " + path, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems refuse
  ::fsync(fd);
  ::close(fd);
}

}  // namespace ocbuild
