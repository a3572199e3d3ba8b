#pragma once
// Internal to the layer writer: the list of entries a layer will contain,
// gathered from a directory tree or from a change set, in layer order.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "ocbuild/export/layer_writer.h"

namespace ocbuild::exporter {

struct SourceEntry {
  enum class Kind { Disk, Whiteout };
  Kind kind = Kind::Disk;
  std::string path;      // relative, no trailing "/"
  std::string abs_path;  // on disk (Disk only)
  struct stat st {};
};

// Every path under dir (not dir itself), depth-first, names sorted bytewise.
std::vector<SourceEntry> collect_tree(const std::string& dir);
// The entries of a change set (with parents and whiteouts), in layer order.
std::vector<SourceEntry> collect_changes(const ChangeSet& changes);
// Rejects empty, absolute, "." and ".." paths; strips "./" and trailing "/".
std::string clean_relative_path(const std::string& path);

}  // namespace ocbuild::exporter
