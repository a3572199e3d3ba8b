#pragma once
// Finding images in a ContentStore by reference, and reading one image's
// manifest and config. Absence is std::optional; find_image() throws
// Error(NotFound) with the reference in the message for the CLI.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild {

// A tag, name@digest or bare digest. A digest resolves when the blob is in the
// store and is a manifest or an index, tagged or not.
std::optional<Descriptor> resolve_image(const ContentStore& store, const ImageRef& ref);
Descriptor find_image(const ContentStore& store, const std::string& ref_text);

// The platform of the machine ocbuild runs on (linux/amd64, linux/arm64/v8...).
Platform host_platform();

// Platform matching, one set of rules for the store and the registry, after
// containerd's platforms package. Names are normalized (x86_64 -> amd64,
// aarch64 -> arm64, armhf -> arm/v7, armel -> arm/v6) and so are variants:
// arm64 "" == "v8", arm "" == "v7", amd64 "" == "v1". os and architecture
// must match; an arm or amd64 machine also runs older variants (arm/v7 runs
// v6 and v5, amd64/v3 runs v2 and v1).
Platform normalize_platform(const Platform& p);
// "linux/arm/v7" ("os/arch" when the variant is empty).
std::string platform_string(const Platform& p);
// "os/arch[/variant]" -> Platform, as written; throws Error(Invalid).
Platform parse_platform_text(std::string_view text);
// True when an image built for `have` runs on `want`.
bool platform_matches(const Platform& want, const Platform& have);

// The entry of an index for `want`: the exact variant first, then the newest
// older one that runs. Entries without a platform and attestation manifests
// are skipped. nullopt when none fits.
std::optional<Descriptor> match_manifest(const Index& index, const Platform& want);
// match_manifest() or Error(NotFound): "image busybox:latest has no
// linux/arm64 manifest (has: linux/amd64, linux/arm/v7)".
Descriptor choose_manifest(const Index& index, const Platform& want, const std::string& image_name);
// A plain manifest is accepted only when its config's os/architecture run on
// `want`: throws Error(NotFound) worded like choose_manifest() otherwise.
// Returns a warning (and accepts) when the config names no os/architecture.
std::optional<std::string> check_config_platform(const ImageConfig& config, const Platform& want,
                                                 const std::string& image_name);

// Receives warnings (a config without os/architecture); may be empty.
using WarningSink = std::function<void(const std::string&)>;

// For an index, its manifest for `want` (default: the host) by
// choose_manifest(), through nested indexes; no match is an error, never a
// fallback to the first entry. A manifest descriptor is returned unchanged;
// when `want` is given its config must match (check_config_platform()).
// Errors name the image by its tag in the store, else by digest.
Descriptor select_manifest(const ContentStore& store, const Descriptor& target,
                           const std::optional<Platform>& want = std::nullopt, const WarningSink& warn = nullptr);

// One single-platform image read from the store.
struct StoredImage {
  Descriptor manifest_descriptor;
  Manifest manifest;
  std::string config_bytes;  // exactly as stored
  ImageConfig config;
  int64_t total_size() const;  // manifest + config + layers, as stored
};
StoredImage read_image(const ContentStore& store, const Descriptor& manifest_descriptor);

}  // namespace ocbuild
