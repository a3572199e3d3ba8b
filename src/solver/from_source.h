#pragma once
// Internal to the solver: the file system of another stage or an image, as
// COPY --from and RUN --mount from= read it (a plain unpacked copy).
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/snapshot_store.h"
#include "ocbuild/solver/build_context.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {

// Where the files come from: the context, or an unpacked stage/image.
struct Source {
  Digest from_key;  // empty for the context
  std::vector<snapshot::LayerRef> layers;
  std::optional<snapshot::SnapshotStore> plain_store;
  std::optional<snapshot::ActiveSnapshot> plain;
  std::optional<TempDir> heredoc_dir;  // heredoc bodies, or the files ADD downloaded
  std::optional<BuildContext> tree;
};

// The layers and cache key of a stage (solved already) or an image (from
// the store, else pulled).
void resolve_from(OpContext& ctx, const frontend::InputRef& in, Source& src);
// A full plain copy of the source's file system, read like a context.
void open_tree(OpContext& ctx, Source& src);
// The same reduced to what `sources` (COPY source patterns) can select:
// only those paths are copied out of the layers (from_subset.cc).
void open_tree_for(OpContext& ctx, Source& src, const std::vector<std::string>& sources);

}  // namespace ocbuild::solver
