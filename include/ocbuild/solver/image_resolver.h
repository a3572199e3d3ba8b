#pragma once
// The frontend's ImageResolver backed by the ContentStore and the registry:
// the config of a base image as the solver's FROM will see it (the same
// resolve_base_image call, so a reference pulled for the plan is the one
// built on). Results are memoized per (reference, platform) for one build.
#include <map>
#include <string>

#include "ocbuild/core/content_store.h"
#include "ocbuild/frontend/build_plan.h"

namespace ocbuild::solver {

class StoreImageResolver : public frontend::ImageResolver {
 public:
  StoreImageResolver(ContentStore& store, bool pull_always) : store_(store), pull_always_(pull_always) {}
  // Throws the pull's errors (an unknown image is an error, not nullopt,
  // so the message names the registry's answer).
  std::optional<ImageConfig> resolve_config(const std::string& ref, const Platform& platform) override;

 private:
  ContentStore& store_;
  bool pull_always_;
  std::map<std::string, ImageConfig> seen_;
};

}  // namespace ocbuild::solver
