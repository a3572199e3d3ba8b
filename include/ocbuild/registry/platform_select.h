#pragma once
// Choosing one manifest for a platform from an OCI index or a Docker
// manifest list, with containerd's rules for variants: arm64 "" == "v8";
// arm wants its own variant or an older one (v7 runs v6 and v5); amd64
// "" == "v1".
#include <optional>
#include <string>
#include <string_view>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/image_lookup.h"  // host_platform(): one implementation, in core

namespace ocbuild::registry {

// The host's platform is ocbuild::host_platform() (core/image_lookup.h).
// select_manifest() below works on index bytes fetched from a registry, before
// anything is stored, and finds nothing rather than falling back to the first
// entry as the store-based ocbuild::select_manifest() does.
// "linux/arm64/v8" -> Platform; throws Error(Invalid).
Platform parse_platform(std::string_view text);
std::string platform_string(const Platform& p);

// True when an image for `have` runs on `want`.
bool platform_matches(const Platform& want, const Platform& have);

// Picks the best manifest descriptor for `want` from index/list JSON bytes:
// an exact variant first, then the newest compatible one. nullopt when none
// fits. Throws Error(Invalid) when the bytes are not an index.
std::optional<Descriptor> select_manifest(std::string_view index_json, const Platform& want);

}  // namespace ocbuild::registry
