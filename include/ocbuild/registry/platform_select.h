#pragma once
// The --platform text of the registry commands. Matching a platform against
// an index or an image config is core's, one set of rules for the store and
// the registry: ocbuild::platform_matches(), match_manifest(),
// choose_manifest() and check_config_platform() in core/image_lookup.h.
#include <string_view>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/image_lookup.h"

namespace ocbuild::registry {

// "linux/arm64/v8" -> Platform, as written; throws Error(Invalid).
inline Platform parse_platform(std::string_view text) { return parse_platform_text(text); }

}  // namespace ocbuild::registry
