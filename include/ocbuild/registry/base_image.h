#pragma once
// Base images for FROM: a reference text and a platform in, the descriptor of
// that platform's image manifest in the ContentStore out (pulled if needed).
// Missing: a locally tagged image is used as is, without touching the
// network. Always (the build's --pull): the registry is asked for the
// reference's current digest and the image pulled when it differs from the
// local one. Throws Error(Invalid) for a bad reference and the pull's errors.
#include <string_view>

#include "ocbuild/core/content_store.h"
#include "ocbuild/registry/pull.h"

namespace ocbuild::registry {

enum class PullPolicy { Missing, Always };

struct BaseImageOptions {
  PullPolicy policy = PullPolicy::Missing;
  PullOptions pull;  // client options, progress; pull.platform is ignored
};

Descriptor resolve_base_image(ContentStore& store, std::string_view ref_text, const Platform& platform,
                              const BaseImageOptions& options = {});

}  // namespace ocbuild::registry
