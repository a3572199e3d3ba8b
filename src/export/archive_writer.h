#pragma once
// Private to export: writes a list of entries as a deterministic tar (sorted
// names, parent directories added, mtime 0, uid/gid 0 numeric, modes 0644 and
// 0755, ustar/pax) or as a directory tree. Both are atomic: a temp file or
// directory beside the target is renamed into place at the end.
#include <cstdint>
#include <string>
#include <vector>

namespace ocbuild::exporter {

struct ArchiveEntry {
  std::string name;         // relative path, '/'-separated, no leading "./"
  std::string bytes;        // the content, when `path` is empty
  std::string path;         // else a file whose content is copied
  bool decompress = false;  // stream `path` decompressed; `size` must be set
  int64_t size = -1;        // decompressed size (when decompress)
};

void write_tar(std::vector<ArchiveEntry> entries, const std::string& out_path);
// The target directory must not exist (or be empty).
void write_tree(const std::vector<ArchiveEntry>& entries, const std::string& out_dir);

}  // namespace ocbuild::exporter
