#pragma once
// Finding images in a ContentStore by reference, and reading one image's
// manifest and config. Absence is std::optional; find_image() throws
// Error(NotFound) with the reference in the message for the CLI.
#include <optional>
#include <string>

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

// For an index, the manifest entry for `want` (default: the host), else the
// first manifest; a manifest descriptor is returned unchanged.
Descriptor select_manifest(const ContentStore& store, const Descriptor& target,
                           const std::optional<Platform>& want = std::nullopt);

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
