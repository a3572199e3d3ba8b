#pragma once
// Private to export: the per-format halves of load_images(). Each ingests
// every blob (verified) and returns what to tag; load_images() tags.
#include <string>
#include <vector>

#include "ocbuild/export/image_load.h"

namespace ocbuild::exporter {

std::vector<LoadedImage> ingest_oci_layout(ContentStore& store, const std::string& dir);
std::vector<LoadedImage> ingest_docker_archive_dir(ContentStore& store, const std::string& dir);

}  // namespace ocbuild::exporter
