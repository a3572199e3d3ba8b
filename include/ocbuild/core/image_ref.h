#pragma once
// Local image references: "name[:tag]", "name@sha256:<hex>" or a bare
// "sha256:<hex>". The default tag is "latest". Names are kept as written
// in their familiar form ("docker.io/library/x" is "x"); the store's tag key is "name:tag".
#include <optional>
#include <string>
#include <string_view>

#include "ocbuild/core/digest.h"

namespace ocbuild {

struct ImageRef {
  std::string name;               // empty for a bare digest
  std::string tag;                // empty when a digest was given
  std::optional<Digest> digest;   // manifest (or index) digest

  // "name:tag" as recorded in org.opencontainers.image.ref.name; "" if none.
  std::string ref_name() const { return tag.empty() ? std::string() : name + ":" + tag; }
  std::string str() const;
};

// Throws Error(Invalid) naming the text when it is not a valid reference.
ImageRef parse_image_ref(std::string_view text);
// Same, but a digest is not allowed (for tag destinations).
ImageRef parse_tag_ref(std::string_view text);

}  // namespace ocbuild
