#pragma once
// The marker of a committed snapshot: <snapshot dir>/meta, written through
// AtomicFile before the dir is renamed into place. Format, version 1:
//   ocbuild-snapshot 1
//   chain_id sha256:...
//   parent sha256:...|-
//   diff_id sha256:...
// A dir without a readable meta of this version is incomplete: never used.
#include <optional>
#include <string>

#include "ocbuild/core/digest.h"

namespace ocbuild::snapshot {

struct SnapshotMeta {
  Digest chain_id;
  std::optional<Digest> parent;
  Digest diff_id;
};

void write_meta(const std::string& snapshot_dir, const SnapshotMeta& meta);
// nullopt when missing, of another version or malformed.
std::optional<SnapshotMeta> read_meta(const std::string& snapshot_dir);

}  // namespace ocbuild::snapshot
