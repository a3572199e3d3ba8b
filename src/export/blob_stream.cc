// Decompression goes through libarchive's "raw" format with every filter, so
// gzip, zstd and plain data are all read the same way.
#include "blob_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {
namespace {
struct ArchiveReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<struct archive, ArchiveReadFree>;
}  // namespace

Compression detect_blob_compression(const std::string& path) {
  UniqueFd fd = open_readonly(path);
  unsigned char magic[4] = {0, 0, 0, 0};
  ssize_t n = read_retry(fd.get(), magic, sizeof magic);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Compression::Gzip;
  if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return Compression::Zstd;
  return Compression::None;
}

void stream_decompressed(const std::string& path, const ChunkFn& fn) {
  ArchiveReader a(archive_read_new());
  if (!a) throw Error(ErrorCode::Internal, "archive_read_new failed");
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(ErrorCode::Io, "cannot read " + path + ": " + archive_error_string(a.get()));
  struct archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) return;  // empty file
  if (r != ARCHIVE_OK) throw Error(ErrorCode::Io, "cannot read " + path + ": " + archive_error_string(a.get()));
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
    if (n < 0) throw Error(ErrorCode::Io, "decompressing " + path + ": " + archive_error_string(a.get()));
    if (n == 0) break;
    fn(buf, static_cast<size_t>(n));
  }
}

UncompressedInfo uncompressed_info(const std::string& path) {
  Hasher h;
  int64_t size = 0;
  stream_decompressed(path, [&](const void* p, size_t n) {
    h.update(p, n);
    size += static_cast<int64_t>(n);
  });
  return {h.finish(), size};
}

}  // namespace ocbuild::exporter
