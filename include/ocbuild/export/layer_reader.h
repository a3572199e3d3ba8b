#pragma once
// Layer reader: a layer blob (uncompressed, gzip or zstd, detected by its
// magic bytes) comes in; the list of its tar entries, with a content hash
// per regular file, goes out. Used by the diff engine and the
// reproducibility check. Throws ocbuild::Error naming the blob on failure.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::exporter {

enum class EntryType { File, Dir, Symlink, Hardlink, CharDevice, BlockDevice, Fifo, Other };

const char* to_string(EntryType type);

struct LayerEntry {
  std::string path;  // as stored, minus a leading "./" and a trailing "/"
  EntryType type = EntryType::File;
  uint32_t mode = 0;  // permission bits (07777)
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t mtime = 0;  // seconds
  int64_t size = 0;
  Digest content;            // sha256 of the data (regular files only)
  std::string link_target;   // symlink or hard link target
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  std::map<std::string, std::string> xattrs;
  bool whiteout = false;  // basename starts with ".wh."
  friend bool operator==(const LayerEntry&, const LayerEntry&) = default;
};

std::vector<LayerEntry> read_layer_entries(const std::string& path);

}  // namespace ocbuild::exporter
