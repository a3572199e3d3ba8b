#pragma once
// Internal: a libarchive reader over a layer blob restricted to the layer
// formats (tar; none, gzip or zstd, auto-detected by magic bytes).
#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ocbuild::exporter {

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadDeleter>;

// Opens the blob at path; throws Error(Invalid) if it is not a layer.
ArchiveReader open_layer_reader(const std::string& path);
// Next header or nullptr at the end; throws Error naming `what` on damage.
archive_entry* next_layer_entry(archive* a, const std::string& what);
// Calls `block` with each data block of the current entry (with its offset,
// as sparse entries skip holes); throws Error naming `what` on damage.
void for_each_data_block(archive* a, const std::string& what,
                         const std::function<void(const void* data, size_t size, int64_t offset)>& block);
// "./a/b/" -> "a/b"
std::string normalize_entry_name(const char* raw);

}  // namespace ocbuild::exporter
