// FROM: scratch, an image (store or registry) or an earlier stage.
#include <chrono>

#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/base_image.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

StageState from_image(OpContext& ctx, const frontend::Stage& stage, const StepId& id, bool& cached) {
  // The plan's resolver already pulled (or checked, with --pull) this image.
  Descriptor manifest_desc = registry::resolve_base_image(ctx.store, stage.base_image, stage.platform);
  StoredImage image = read_image(ctx.store, manifest_desc);
  if (image.manifest.layers.size() != image.config.rootfs.diff_ids.size())
    throw Error(ErrorCode::Invalid, "base image " + stage.base_image + ": " +
                                        std::to_string(image.manifest.layers.size()) + " layers but " +
                                        std::to_string(image.config.rootfs.diff_ids.size()) + " diff_ids");
  StageState state;
  for (size_t i = 0; i < image.manifest.layers.size(); ++i)
    state.layers.push_back({image.manifest.layers[i], image.config.rootfs.diff_ids[i]});
  state.history = image.config.history;
  state.base_config = image.config;
  // Meta steps right after FROM are dated like the base's last step
  // (SOURCE_DATE_EPOCH: that time), so a cached rebuild keeps its digest.
  state.last_created = ctx.options.source_date_epoch ? ctx.created
                       : !image.config.history.empty() ? image.config.history.back().created
                                                        : image.config.created;
  CacheKey key = source_key({stage.base_image, manifest_desc.digest, stage.platform});
  state.key = key.digest;
  cached = id.forced.empty() && ctx.cache.lookup(key.digest).has_value();
  note_step(ctx, id, key, cached);
  if (!cached) {
    StageState ignored;
    record_result(ctx, key, std::nullopt, ignored);
  }
  return state;
}

}  // namespace

StageState solve_source(OpContext& ctx, const frontend::Stage& stage) {
  if (stage.base_kind == frontend::BaseKind::kStage) {
    const auto& base = ctx.stages.at(*stage.base_stage);
    if (!base) throw Error(ErrorCode::Internal, "stage " + std::to_string(*stage.base_stage) + " not solved yet", stage.range);
    return *base;
  }
  if (stage.base_kind == frontend::BaseKind::kScratch) {
    // Nothing to fetch: like BuildKit, no progress step for FROM scratch.
    StageState state;
    state.key = source_key({"scratch", Digest{}, stage.platform}).digest;
    state.last_created = ctx.created;
    return state;
  }
  StepId id = start_step(ctx, stage, 1, "FROM " + stage.base_image);
  int step = id.step;
  auto start = std::chrono::steady_clock::now();
  StageState state;
  bool cached = false;
  try {
    state = from_image(ctx, stage, id, cached);
  } catch (Error& e) {
    ctx.progress.step_failed(step, e.message());
    if (!e.where()) e.at(stage.range);
    throw;
  }
  if (cached) ctx.progress.step_cached(step);
  else ctx.progress.step_finished(step, std::chrono::steady_clock::now() - start);
  return state;
}

}  // namespace ocbuild::solver
