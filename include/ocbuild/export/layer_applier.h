#pragma once
// Layer applier: a layer blob (uncompressed, gzip or zstd, detected by its
// magic bytes) comes in; its entries are extracted into a directory on top of
// what is there, honouring whiteouts and opaque directories (OCI semantics).
//
// Hostile input is refused or neutralized, never followed: names with ".."
// or an absolute path are refused; every parent directory is resolved inside
// the target (openat2 RESOLVE_IN_ROOT, like containerd's scoped paths), so a
// symlink pointing outside lands inside the target instead; hard links
// resolve inside the target too; device nodes are skipped with a warning when
// devices cannot be created. A refused entry throws ocbuild::Error naming the
// layer and the entry's path; the entries before it stay applied.
#include <cstddef>
#include <string>
#include <vector>

namespace ocbuild::exporter {

struct ApplyOptions {
  // Names the layer in errors and warnings (its digest); the blob path if empty.
  std::string layer_name;
  // Create device nodes; default is "running as root". When false they are
  // skipped with a warning.
  bool create_devices;
  // chown entries to their recorded owners. A failure is an error as root and
  // a warning otherwise (in a user namespace only mapped ids are possible).
  bool preserve_owners = true;
  // When an owner is outside the user namespace's mapping, keep it in the
  // kKeptOwnerXattr of the file (core/xattrs.h) instead of only warning:
  // the snapshotter's unpack, so layers record the image's owners.
  bool keep_unmapped_owners = false;
  ApplyOptions();
};

struct ApplyResult {
  size_t entries = 0;     // tar entries processed (whiteouts included)
  size_t whiteouts = 0;   // ".wh." entries honoured
  std::vector<std::string> warnings;
};

// Applies the blob at `blob_path` to the existing directory `target`.
ApplyResult apply_layer(const std::string& blob_path, const std::string& target,
                        const ApplyOptions& options = ApplyOptions());

}  // namespace ocbuild::exporter
