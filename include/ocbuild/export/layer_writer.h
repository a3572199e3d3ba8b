#pragma once
// Layer writer: a directory tree, or a list of changes against a root, comes
// in; a reproducible OCI layer blob and its Layer record go out.
//
// The tar is PAX, entries in depth-first order with names sorted bytewise in
// each directory (parents before children, as BuildKit/containerd walk),
// names relative without "./" and directories ending in "/", numeric uid/gid
// with empty user/group names, mtimes in whole seconds clamped to
// source_date_epoch, no atime/ctime, hard links kept as links (the first
// entry in that order carries the data), xattrs kept except overlayfs' own,
// and whiteouts (".wh.<name>", ".wh..wh..opq") for deletions and opaque dirs.
// Throws ocbuild::Error naming the file on any failure.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/export/blob_writer.h"

namespace ocbuild::exporter {

struct Layer {
  Descriptor blob;  // media type, digest and size of the (compressed) blob
  Digest diff_id;   // sha256 of the uncompressed tar
  int64_t uncompressed_size = 0;
  friend bool operator==(const Layer&, const Layer&) = default;
};

// Owners by path (relative, no leading "/" or "./"): uid, gid.
using OwnerMap = std::map<std::string, std::pair<uint32_t, uint32_t>>;
// Where a stand-in's data is (see LayerWriteOptions::data_from).
using DataSources = std::map<std::string, std::string>;

struct LayerWriteOptions {
  // Every mtime later than this (seconds since the epoch) is clamped to it;
  // whiteouts get it as their mtime (0 without it).
  std::optional<int64_t> source_date_epoch;
  CompressionOptions compression;
  // For a tree written without the privilege to chown (a rootless COPY):
  // these owners replace the ones on disk, and any other entry owned by the
  // (unprivileged) writer is recorded as 0:0, as the container sees it.
  std::shared_ptr<const OwnerMap> owners;
  // Regular files whose data is read from another file instead (path as in
  // OwnerMap -> file to read): a COPY places a sparse stand-in of the right
  // size rather than copying the data twice. Exactly the stand-in's size is
  // read; a file that shrank since is an error.
  std::shared_ptr<const DataSources> data_from;
};

// One changed path, relative to the root (no leading "/" or "./").
struct Change {
  enum class Kind { Add, Modify, Delete };
  Kind kind = Kind::Add;
  std::string path;
};

// A diff for the snapshotter: Add/Modify paths are read from `root` (a
// directory change adds only the directory entry itself), Delete paths
// become whiteouts and every opaque directory gets ".wh..wh..opq". Parent
// directories of changed paths are included, read from `root` (for a
// deletion, only when `root` has the parent).
struct ChangeSet {
  std::string root;
  std::vector<Change> changes;
  std::vector<std::string> opaque_dirs;
};

// Writes the layer of a whole tree (the tree's root itself is not an entry).
Layer write_layer_from_dir(const std::string& dir, const LayerWriteOptions& options, int out_fd);
Layer write_layer_from_dir(const std::string& dir, const LayerWriteOptions& options,
                           const std::string& out_path);
// Writes the layer of a change set.
Layer write_layer_from_changes(const ChangeSet& changes, const LayerWriteOptions& options, int out_fd);
Layer write_layer_from_changes(const ChangeSet& changes, const LayerWriteOptions& options,
                               const std::string& out_path);

// Compares two layer paths in layer order: component by component, each
// component bytewise (so "a/b" < "a-b" and parents precede children).
bool layer_path_less(const std::string& a, const std::string& b);

}  // namespace ocbuild::exporter
