#pragma once
// Loading images into the ContentStore from an OCI archive, an OCI layout
// directory or a docker-archive tar (detected automatically). Every blob is
// verified against its digest (docker-archive layers against the config's
// diff_ids) before anything is tagged; a mismatch throws Error(Invalid) and
// tags nothing. Docker layers are kept as they are (compressed or not) with
// an OCI manifest written for them.
#include <string>
#include <vector>

#include "ocbuild/core/content_store.h"

namespace ocbuild::exporter {

enum class ArchiveFormat { OciArchive, OciDir, DockerArchive };

// Throws Error(Invalid) when the path is none of the three.
ArchiveFormat detect_archive_format(const std::string& path);

struct LoadedImage {
  std::string ref_name;  // "name:tag", or "" when the input names none
  Descriptor target;     // the manifest or index now in the store
};

std::vector<LoadedImage> load_images(ContentStore& store, const std::string& path);

}  // namespace ocbuild::exporter
