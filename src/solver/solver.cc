#include "ocbuild/solver/solver.h"

#include <ctime>
#include <map>

#include "ocbuild/solver/scheduler.h"

#include "ocbuild/export/rootfs_import.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {

exporter::LayerWriteOptions OpContext::layer_options() const {
  exporter::LayerWriteOptions o;
  o.source_date_epoch = options.source_date_epoch;
  o.compression = options.compression;
  return o;
}

std::string step_name(const frontend::Stage& stage, size_t position, const std::string& text) {
  size_t total = 1;
  for (const auto& s : stage.steps)
    if (!is_meta(s)) ++total;
  std::string prefix = "[";
  if (stage.name) prefix += *stage.name + " ";
  return prefix + std::to_string(position) + "/" + std::to_string(total) + "] " + text;
}

namespace {

std::string created_text(const OpContext& ctx, int64_t made) {
  return exporter::rfc3339_utc(ctx.options.source_date_epoch.value_or(made));
}

}  // namespace

void add_history(StageState& state, std::string created_by, bool empty_layer) {
  state.history.push_back(HistoryEntry{state.last_created, std::move(created_by), "", "buildkit.dockerfile.v0",
                                       empty_layer});
}

bool reuse_cached(OpContext& ctx, const StepId& id, const CacheKey& key, StageState& state) {
  if (debug_keys_requested()) ctx.progress.step_output(id.step, describe(key));
  std::optional<CacheResult> hit;
  if (id.forced.empty()) hit = ctx.cache.lookup(key.digest);
  note_step(ctx, id, key, hit.has_value());
  if (!hit) return false;
  if (hit->layer) state.layers.push_back({hit->layer->blob, hit->layer->diff_id});
  state.key = key.digest;
  state.last_created = created_text(ctx, hit->created);
  ctx.progress.step_cached(id.step);
  return true;
}

void record_result(OpContext& ctx, const CacheKey& key, const std::optional<exporter::Layer>& layer,
                   StageState& state) {
  CacheResult r;
  r.layer = layer;
  r.created = static_cast<int64_t>(std::time(nullptr));
  r.fields = key.fields;
  ctx.cache.store(key.digest, r);
  if (layer) state.layers.push_back({layer->blob, layer->diff_id});
  state.key = key.digest;
  state.last_created = created_text(ctx, r.created);
}

namespace {

StageState solve_stage(OpContext& ctx, const frontend::Stage& stage) {
  StageState state = solve_source(ctx, stage);
  size_t position = 1;
  for (const auto& step : stage.steps) {
    if (ctx.stop.stop_requested()) throw Error(ErrorCode::Internal, "build cancelled");
    if (is_meta(step)) {
      solve_meta(ctx, step, state);
      continue;
    }
    ++position;
    if (step.keyword == "run") solve_exec(ctx, stage, step, position, state);
    else solve_file(ctx, stage, step, position, state);
  }
  return state;
}

// The image of the target stage: the plan's config plus rootfs and history.
SolveResult write_image(OpContext& ctx, const frontend::Stage& stage, const StageState& state) {
  ImageConfig config = stage.config;
  config.created = state.history.empty() || state.history.back().created.empty() ? ctx.created
                                                                                 : state.history.back().created;
  config.architecture = stage.platform.architecture;
  config.os = stage.platform.os;
  config.variant = stage.platform.variant;
  for (const auto& [k, v] : ctx.options.labels) config.config.labels[k] = v;
  config.rootfs = RootFs{};
  for (const auto& l : state.layers) config.rootfs.diff_ids.push_back(l.diff_id);
  config.history = state.history;
  Manifest manifest;
  manifest.config = ctx.store.put_config(config);
  for (const auto& l : state.layers) manifest.layers.push_back(l.blob);
  SolveResult result;
  result.manifest = ctx.store.put_manifest(manifest);
  result.config_bytes = to_json_bytes(config);
  return result;
}

}  // namespace

Solver::Solver(ContentStore& store, CacheStore& cache, BuildContext& context, ProgressSink& progress,
               SolveOptions options)
    : store_(store), cache_(cache), context_(context), progress_(progress), options_(std::move(options)) {}

// Stages run as scheduler jobs: each starts once the stages it builds on
// (FROM, COPY --from, RUN --mount from) are solved.
SolveResult Solver::solve(const frontend::BuildPlan& plan, std::stop_token stop) {
  snapshot::SnapshotStore snapshots(store_, options_.driver);
  std::vector<std::optional<StageState>> stages(plan.stages.size());
  std::atomic<int> next_step{1};
  StepLog log([this]() -> std::optional<LastBuild> {
    if (!options_.build_id) return std::nullopt;
    return cache_.last_build(*options_.build_id);
  });
  std::mutex context_mu;
  snapshot::CacheMounts cache_mounts(store_.root());
  std::string created =
      exporter::rfc3339_utc(options_.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr))));
  Scheduler scheduler(options_.jobs);
  std::stop_callback forward(stop, [&scheduler] { scheduler.stop_source().request_stop(); });
  std::map<size_t, size_t> job_of;  // stage index -> job index
  for (size_t index : plan.kept) {
    Job job;
    const auto& stage = plan.stages.at(index);
    job.name = stage.name ? *stage.name : "stage " + std::to_string(index);
    for (const auto& edge : plan.edges)
      if (edge.stage == index && edge.input.stage && job_of.count(*edge.input.stage))
        job.deps.push_back(job_of.at(*edge.input.stage));
    job.run = [&, index](std::stop_token token) {
      snapshot::Executor executor;
      OpContext ctx{store_, cache_,  context_, progress_, options_,   snapshots, executor,
                    plan,   stages, token,    next_step, created,   context_mu, &cache_mounts, &log};
      const auto& st = plan.stages.at(index);
      try {
        stages[index] = solve_stage(ctx, st);
      } catch (Error& e) {
        e.add_context("stage " + (st.name ? *st.name : std::to_string(index)));
        throw;
      }
    };
    job_of[index] = scheduler.add(std::move(job));
  }
  scheduler.run();
  snapshot::Executor executor;
  OpContext ctx{store_, cache_, context_, progress_, options_, snapshots, executor,
                plan,   stages, stop,     next_step, created,  context_mu};
  SolveResult result = write_image(ctx, plan.stages.at(plan.target), *stages[plan.target]);
  result.steps = log.reports();
  if (options_.build_id) cache_.save_last_build(*options_.build_id, log.last_build());
  return result;
}

}  // namespace ocbuild::solver
