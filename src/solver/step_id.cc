// Numbering a progress step, and noting whether it hit or why it missed.
#include <algorithm>

#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

std::string stage_label(const OpContext& ctx, const frontend::Stage& stage) {
  size_t index = static_cast<size_t>(&stage - ctx.plan.stages.data());
  return stage.name ? *stage.name : "stage-" + std::to_string(index);
}

// --no-cache-filter names a stage by name or by index, as BuildKit does.
std::string forced_reason(const OpContext& ctx, const frontend::Stage& stage) {
  if (ctx.options.no_cache) return "--no-cache";
  size_t index = static_cast<size_t>(&stage - ctx.plan.stages.data());
  for (const auto& f : ctx.options.no_cache_filter) {
    if ((stage.name && *stage.name == f) || f == std::to_string(index)) return "--no-cache-filter " + f;
  }
  return "";
}

}  // namespace

StepId start_step(OpContext& ctx, const frontend::Stage& stage, size_t position, const std::string& text) {
  StepId id;
  id.step = ctx.next_step++;
  id.name = step_name(stage, position, text);
  id.slot = stage_label(ctx, stage) + "/" + std::to_string(position);
  id.forced = forced_reason(ctx, stage);
  ctx.progress.step_started(id.step, id.name);
  return id;
}

void note_step(OpContext& ctx, const StepId& id, const CacheKey& key, bool cached) {
  if (!ctx.log) return;
  if (cached) {
    ctx.log->cached(id.step, id.slot, id.name, key);
    return;
  }
  std::string why = ctx.log->missed(id.step, id.slot, id.name, key, id.forced);
  ctx.progress.step_output(id.step, "cache miss: " + why);
}

}  // namespace ocbuild::solver
