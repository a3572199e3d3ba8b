#include "ocbuild/solver/image_resolver.h"

#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/base_image.h"

namespace ocbuild::solver {

std::optional<ImageConfig> StoreImageResolver::resolve_config(const std::string& ref, const Platform& platform) {
  std::string key = ref + "\n" + to_json_bytes(platform);
  if (auto it = seen_.find(key); it != seen_.end()) return it->second;
  registry::BaseImageOptions opts;
  opts.policy = pull_always_ ? registry::PullPolicy::Always : registry::PullPolicy::Missing;
  Descriptor manifest = registry::resolve_base_image(store_, ref, platform, opts);
  ImageConfig config = read_image(store_, manifest).config;
  seen_.emplace(key, config);
  return config;
}

}  // namespace ocbuild::solver
