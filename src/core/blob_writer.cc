// BlobWriter: a temp file in ROOT/ingest, hashed while written, verified and
// renamed to blobs/sha256/<hex>. rename() is atomic, so a reader never sees a
// partial blob, and two writers of the same content both succeed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/lease.h"

namespace ocbuild {

BlobWriter::BlobWriter(std::string blobs_dir, std::string temp_path, UniqueFd fd, std::shared_ptr<Lease> lease)
    : lease_(std::move(lease)),
      blobs_dir_(std::move(blobs_dir)), temp_path_(std::move(temp_path)), fd_(std::move(fd)) {}

BlobWriter::~BlobWriter() {
  if (fd_.valid()) ::unlink(temp_path_.c_str());
}

void BlobWriter::write(const void* data, size_t size) {
  if (!fd_.valid()) throw Error(ErrorCode::Internal, "BlobWriter used after commit");
  write_all(fd_.get(), data, size, temp_path_);
  hasher_.update(data, size);
  size_ += static_cast<int64_t>(size);
}

Digest BlobWriter::commit(const std::optional<Digest>& expected, int64_t expected_size) {
  if (!fd_.valid()) throw Error(ErrorCode::Internal, "BlobWriter committed twice");
  Digest got = hasher_.finish();
  if (expected && *expected != got) {
    fd_.reset();
    ::unlink(temp_path_.c_str());
    throw Error(ErrorCode::Invalid, "blob digest mismatch: expected " + expected->str() + ", content is " +
                                        got.str() + " (" + std::to_string(size_) + " bytes)");
  }
  if (expected_size >= 0 && expected_size != size_) {
    fd_.reset();
    ::unlink(temp_path_.c_str());
    throw Error(ErrorCode::Invalid, "blob " + got.str() + " size mismatch: expected " +
                                        std::to_string(expected_size) + ", got " + std::to_string(size_));
  }
  if (::fchmod(fd_.get(), 0444) != 0 || ::fsync(fd_.get()) != 0) {
    int err = errno;
    fd_.reset();
    ::unlink(temp_path_.c_str());
    throw Error::io("fsync " + temp_path_, err);
  }
  fd_.reset();
  std::string target = blobs_dir_ + "/" + got.hex();
  auto rename_in = [&] {
    if (::rename(temp_path_.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::unlink(temp_path_.c_str());
      throw Error::io("rename " + temp_path_ + " to " + target, err);
    }
    return true;
  };
  hold(lease_.get(), LeaseKind::Blob, got.hex(), rename_in);
  fsync_dir(blobs_dir_);
  return got;
}

}  // namespace ocbuild
