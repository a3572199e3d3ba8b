#pragma once
// CompressingBlobWriter: the single streaming pass behind every layer blob. Bytes of the
// uncompressed tar come in; they are hashed (diff_id), compressed (none, gzip
// or zstd, deterministically), hashed again (blob digest) and written to a
// file descriptor. Hashing, compression and the write to fd run on an
// internal thread fed in 4 MiB chunks, so the caller's tar production
// overlaps them (uncompressed blobs too: they are hashed and written there).
// One caller thread at a time; throws ocbuild::Error on I/O failure (a
// failure on the internal thread surfaces from the next write() or finish()).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"

namespace ocbuild::exporter {

struct CompressionOptions {
  Compression compression = Compression::Gzip;
  // 0 picks the default: gzip 6, zstd 3.
  int level = 0;
  // zstd worker threads; 0 = number of CPUs. Always >= 1 internally so the
  // output is the same bytes whatever the count.
  int zstd_workers = 0;
};

struct BlobResult {
  Digest diff_id;               // sha256 of the uncompressed bytes
  int64_t uncompressed_size = 0;
  Digest digest;                // sha256 of the bytes written
  int64_t size = 0;
};

class CompressingBlobWriter {
 public:
  // Does not own fd; the caller keeps it open until finish() returns.
  CompressingBlobWriter(int fd, const CompressionOptions& options);
  ~CompressingBlobWriter();
  CompressingBlobWriter(const CompressingBlobWriter&) = delete;
  CompressingBlobWriter& operator=(const CompressingBlobWriter&) = delete;

  void write(const void* data, size_t size);
  // Flushes the compressor and returns the digests; call exactly once.
  BlobResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocbuild::exporter
