#pragma once
// Private to export: reading a blob file as its uncompressed byte stream.
#include <cstdint>
#include <functional>
#include <string>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"

namespace ocbuild::exporter {

// Sniffs gzip / zstd magic bytes; anything else is None.
Compression detect_blob_compression(const std::string& path);

using ChunkFn = std::function<void(const void* data, size_t size)>;
// Streams the file's bytes, decompressed (gzip, zstd, ...), to `fn`.
void stream_decompressed(const std::string& path, const ChunkFn& fn);

struct UncompressedInfo {
  Digest digest;  // the diff_id
  int64_t size = 0;
};
UncompressedInfo uncompressed_info(const std::string& path);

}  // namespace ocbuild::exporter
