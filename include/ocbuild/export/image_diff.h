#pragma once
// Image diff engine: two images (manifest digest, manifest and config JSON
// bytes, layer blob files) come in; a list of differences in plain words
// comes out, most telling first: manifest digest, then config fields by JSON
// path, then layer by layer and file by file (type, mode, owner, mtime,
// size, content hash, link target, xattrs, device numbers), then the other
// manifest fields. Identical manifest digests mean identical images: nothing
// else is read. Throws ocbuild::Error for unreadable JSON or layers.
#include <cstddef>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::exporter {

struct ImageToCompare {
  std::string name;  // how messages call it ("a", a reference...); "first"/"second" if empty
  Digest manifest_digest;
  std::string manifest_json;
  std::string config_json;
  std::vector<std::string> layer_paths;  // blob files, in manifest order
};

struct DiffOptions {
  size_t max_differences = 50;
};

struct ImageDiff {
  bool identical = false;
  std::vector<std::string> differences;  // the first max_differences
  size_t total = 0;                      // how many were found in all
};

ImageDiff diff_images(const ImageToCompare& a, const ImageToCompare& b, const DiffOptions& options = DiffOptions());

}  // namespace ocbuild::exporter
