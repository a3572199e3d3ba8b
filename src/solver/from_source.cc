// Stages and images as file trees for COPY --from and RUN --mount from=.
#include "solver/from_source.h"

#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/base_image.h"

namespace ocbuild::solver {

void resolve_from(OpContext& ctx, const frontend::InputRef& in, Source& src) {
  if (in.stage) {
    const auto& st = ctx.stages.at(*in.stage);
    if (!st) throw Error(ErrorCode::Internal, "stage " + std::to_string(*in.stage) + " not solved yet");
    src.from_key = st->key;
    src.layers = st->layers;
    return;
  }
  Platform platform = ctx.plan.target_platform;
  Descriptor m = registry::resolve_base_image(ctx.store, in.image, platform);
  StoredImage image = read_image(ctx.store, m);
  for (size_t i = 0; i < image.manifest.layers.size(); ++i)
    src.layers.push_back({image.manifest.layers[i], image.config.rootfs.diff_ids.at(i)});
  src.from_key = source_key({in.image, m.digest, platform}).digest;
}

void open_tree(OpContext& ctx, Source& src) {
  src.plain_store.emplace(ctx.store, snapshot::Driver::Native);
  src.plain.emplace(src.plain_store->prepare(src.layers));
  const auto& dir = std::get<snapshot::PlainRoot>(src.plain->root()).dir;
  src.tree.emplace(dir, std::nullopt, "");
}

}  // namespace ocbuild::solver
