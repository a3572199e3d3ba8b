#pragma once
// Where a downloaded blob goes. The client writes bytes, may reset() before a
// retry, and calls commit() only after the digest was verified; a sink that
// is destroyed uncommitted must leave nothing behind.
#include <cstddef>
#include <string>

#include "ocbuild/core/atomic_file.h"

namespace ocbuild::registry {

class BlobSink {
 public:
  virtual ~BlobSink() = default;
  virtual void write(const char* data, size_t size) = 0;
  virtual void reset() = 0;   // forget everything written so far
  virtual void commit() = 0;  // the bytes are verified: make them visible
  // True when commit() itself checks the digest (and throws on a mismatch
  // without making anything visible): the client then skips its own hash.
  virtual bool verifies_digest() const { return false; }
};

// Streams into a temp file beside `path` and renames it over `path` on
// commit (AtomicFile); an uncommitted download leaves no file.
class FileBlobSink : public BlobSink {
 public:
  explicit FileBlobSink(std::string path, unsigned mode = 0644) : file_(std::move(path), mode) {}
  void write(const char* data, size_t size) override;
  void reset() override;
  void commit() override { file_.commit(); }

 private:
  AtomicFile file_;
};

// Keeps the blob in memory (small blobs such as configs); `bytes()` is only
// filled after commit.
class StringBlobSink : public BlobSink {
 public:
  void write(const char* data, size_t size) override { pending_.append(data, size); }
  void reset() override { pending_.clear(); }
  void commit() override { bytes_ = std::move(pending_); pending_.clear(); committed_ = true; }
  const std::string& bytes() const { return bytes_; }
  bool committed() const { return committed_; }

 private:
  std::string pending_, bytes_;
  bool committed_ = false;
};

}  // namespace ocbuild::registry
