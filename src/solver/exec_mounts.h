#pragma once
// Internal to the solver: RUN --mount in the exec op. The stages and images
// named by `from=` are resolved once per RUN (their keys enter the cache
// key, their file trees are unpacked only when the RUN really runs), bind
// sources in the context add the digest of their files to the key.
#include <memory>
#include <optional>
#include <vector>

#include "ocbuild/snapshot/run_spec.h"
#include "ocbuild/solver/cache_key.h"
#include "ocbuild/solver/run_mounts.h"
#include "solver/context_view.h"
#include "solver/from_source.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {

// Lives as long as the RUN: the unpacked sources, cache leases, secret files.
struct ExecMounts {
  std::vector<std::unique_ptr<Source>> sources;  // one per mount, null without `from`
  std::vector<ContextView> context_views;  // binds from a .dockerignore'd context
  std::optional<ResolvedMounts> resolved;
};

// Adds the mounts' part of the key to `in`.
void add_mounts_to_key(OpContext& ctx, const frontend::Step& step, ExecKeyInput& in, ExecMounts& mounts);
// Fills spec.mounts and spec.env for the RUN; keep `mounts` alive until it ends.
void resolve_mounts(OpContext& ctx, const frontend::Step& step, snapshot::RunSpec& spec, ExecMounts& mounts);

}  // namespace ocbuild::solver
