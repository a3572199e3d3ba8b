#include "tar_reader.h"

#include "ocbuild/core/error.h"

namespace ocbuild::exporter {

ArchiveReader open_layer_reader(const std::string& path) {
  ArchiveReader a(archive_read_new());
  if (!a) throw Error(ErrorCode::Internal, "libarchive: cannot allocate a reader");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_empty(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK) {
    const char* msg = archive_error_string(a.get());
    throw Error(ErrorCode::Invalid, "layer " + path + ": " + (msg ? msg : "cannot open"));
  }
  return a;
}

archive_entry* next_layer_entry(archive* a, const std::string& what) {
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(a, &entry);
  if (rc == ARCHIVE_EOF) return nullptr;
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
    const char* msg = archive_error_string(a);
    throw Error(ErrorCode::Invalid, what + ": " + (msg ? msg : "damaged tar"));
  }
  return entry;
}

void for_each_data_block(archive* a, const std::string& what,
                         const std::function<void(const void* data, size_t size, int64_t offset)>& block) {
  const void* buf = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    int rc = archive_read_data_block(a, &buf, &size, &offset);
    if (rc == ARCHIVE_EOF) return;
    if (rc != ARCHIVE_OK) {
      const char* msg = archive_error_string(a);
      throw Error(ErrorCode::Invalid, what + ": " + (msg ? msg : "damaged data"));
    }
    block(buf, size, offset);
  }
}

std::string normalize_entry_name(const char* raw) {
  std::string p = raw ? raw : "";
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace ocbuild::exporter
