#pragma once
// Image outputs: an image from the ContentStore written as an OCI archive (a
// tar of an OCI layout), an OCI layout directory, or a docker-archive tar
// (manifest.json, repositories, <config hex>.json, <diff_id hex>/layer.tar
// with uncompressed layers) as `docker load` and skopeo's docker-archive:
// transport read it. Output is deterministic (sorted entries, mtime 0,
// numeric root owner) and atomic (temp beside the target, then rename).
// Throws ocbuild::Error (NotFound for a missing blob, Io for write failures).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/content_store.h"

namespace ocbuild::exporter {

enum class SaveFormat { OciArchive, OciDir, DockerArchive };

// "oci" | "oci-dir" | "docker" (also "oci-archive", "docker-archive");
// throws Error(Invalid) otherwise.
SaveFormat parse_save_format(std::string_view text);

struct SaveRequest {
  Descriptor target;     // a manifest or index in the store
  std::string ref_name;  // "name:tag" recorded in the output, or "" for none
  std::vector<std::string> more_ref_names;  // docker archive only: further RepoTags
};

void save_image(const ContentStore& store, const SaveRequest& request, SaveFormat format, const std::string& out_path);

}  // namespace ocbuild::exporter
