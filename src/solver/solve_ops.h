#pragma once
// Internal to the solver: the state a stage carries from step to step and
// the ops that advance it, one family per file (op_source, op_exec, op_file,
// op_meta).
#include <atomic>
#include <chrono>
#include <mutex>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "ocbuild/core/image.h"
#include "ocbuild/frontend/chmod_spec.h"
#include "ocbuild/snapshot/cache_mounts.h"
#include "ocbuild/snapshot/executor.h"
#include "ocbuild/snapshot/snapshot_store.h"
#include "ocbuild/solver/solver.h"
#include "solver/lower_fs.h"
#include "solver/step_log.h"

namespace ocbuild::solver {

// A stage's file system and history so far.
struct StageState {
  Digest key;                              // the last step's cache key
  std::vector<snapshot::LayerRef> layers;  // bottom first
  std::vector<HistoryEntry> history;
  ImageConfig base_config;                 // the base image's config (FROM image)
  // The time of the last step that made a layer (RFC 3339): a cache hit
  // keeps the time of the run that made it, so a fully cached rebuild
  // writes the same config. Meta steps' history entries take it too.
  std::string last_created;
};

// What every op may use during one stage's solve. Stages run in parallel
// (one OpContext and Executor each); what they share is thread safe.
struct OpContext {
  ContentStore& store;
  CacheStore& cache;
  BuildContext& context;
  ProgressSink& progress;
  const SolveOptions& options;
  snapshot::SnapshotStore& snapshots;
  snapshot::Executor& executor;
  const frontend::BuildPlan& plan;
  std::vector<std::optional<StageState>>& stages;  // solved stages by index
  std::stop_token stop;
  std::atomic<int>& next_step;  // progress step numbers, shared by the stages
  std::string created;          // RFC 3339 time of the build
  std::mutex& context_mu;       // BuildContext is used by one COPY at a time
  snapshot::CacheMounts* cache_mounts = nullptr;  // RUN --mount=type=cache
  StepLog* log = nullptr;                          // what each step did, for --explain

  exporter::LayerWriteOptions layer_options() const;
};

// A progress step name like buildx: "[build 2/4] RUN make".
std::string step_name(const frontend::Stage& stage, size_t position, const std::string& text);

// A progress step: its number, where it sits ("build/3", matched against
// the previous build), its name, and the flag forcing it to run, if any.
struct StepId {
  int step = 0;
  std::string slot;
  std::string name;
  std::string forced;  // "--no-cache", "--no-cache-filter build" or empty
};
// Numbers the step and reports it started.
StepId start_step(OpContext& ctx, const frontend::Stage& stage, size_t position, const std::string& text);
// Logs a hit, or a miss with its reason (also shown as the step's output line
// "cache miss: <reason>").
void note_step(OpContext& ctx, const StepId& id, const CacheKey& key, bool cached);

// Looks the key up unless forced; on a hit, appends the layer to `state`
// (and sets last_created) and reports the step cached. Returns true on a hit.
// Either way the step is noted in ctx.log.
bool reuse_cached(OpContext& ctx, const StepId& id, const CacheKey& key, StageState& state);
// Stores the result of a step that ran and appends its layer to `state`.
// Both set state.key and state.last_created.
void record_result(OpContext& ctx, const CacheKey& key, const std::optional<exporter::Layer>& layer,
                   StageState& state);

StageState solve_source(OpContext& ctx, const frontend::Stage& stage);
void solve_exec(OpContext& ctx, const frontend::Stage& stage, const frontend::Step& step, size_t position,
                StageState& state);
void solve_file(OpContext& ctx, const frontend::Stage& stage, const frontend::Step& step, size_t position,
                StageState& state);
// Config-only instructions: a history entry with empty_layer.
void solve_meta(OpContext& ctx, const frontend::Step& step, StageState& state);
bool is_meta(const frontend::Step& step);
// Appends a history entry dated state.last_created.
void add_history(StageState& state, std::string created_by, bool empty_layer);

}  // namespace ocbuild::solver

namespace ocbuild::solver {

// How the files of one COPY land in the new layer's tree.
struct CopyPlacement {
  std::string dest;        // absolute path in the image, symlinks below resolved
  bool dest_is_dir = false;
  std::optional<std::pair<uid_t, gid_t>> chown;  // --chown, resolved
  bool keep_owner = false;  // no --chown, from a stage: owners as there (context: 0:0)
  std::optional<frontend::ChmodSpec> chmod;  // octal or symbolic, per entry
  int64_t new_dir_mtime = 0;  // for the directories the instruction creates
  bool unpack_archives = false;  // ADD: a local tar (plain, gzip, zstd) is extracted into dest
};

// The files one or more sources selected, read under `root`. An ADD mixing
// URLs and local files has a part per source, in the order written, and
// only the local ones may be extracted.
struct SelectionPart {
  const Selection* selection = nullptr;
  std::string root;
  bool may_unpack = true;  // with CopyPlacement::unpack_archives
};

// What place_selection wrote: the owners (set on disk too when root) and,
// for regular files it did not copy, where their data is.
struct PlacedTree {
  exporter::OwnerMap owners;
  exporter::DataSources data_from;
};

// Writes the selected files into `tree` as they must appear in the image;
// parents of dest as `lower` has them, else new. A regular file that can be
// read now becomes a sparse stand-in of its size, its data read from the
// source when the layer is written (not when archives may be extracted
// over it).
PlacedTree place_selection(const std::vector<SelectionPart>& parts, const CopyPlacement& placement,
                                   const LowerFs& lower, const std::string& tree);
// Just the directory `abs` and its parents (WORKDIR).
exporter::OwnerMap place_directory(const std::string& abs, const CopyPlacement& placement, const LowerFs& lower,
                                   const std::string& tree);

// The merged view of a stage's layers (unpacked into the snapshot store).
LowerFs lower_fs(OpContext& ctx, const StageState& state);
// Writes `tree` as a layer with these owners, ingested into the store.
exporter::Layer write_tree_layer(OpContext& ctx, const std::string& tree, exporter::OwnerMap owners,
                                 exporter::DataSources data_from = {});

}  // namespace ocbuild::solver
