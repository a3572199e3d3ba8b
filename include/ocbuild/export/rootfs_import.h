#pragma once
// Importing a directory as a one-layer image (like `docker import`): the
// tree goes through the reproducible layer writer into the ContentStore,
// with a config and a manifest. This is how base images are made without a
// registry (the tests' busybox image). Throws ocbuild::Error.
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/content_store.h"
#include "ocbuild/export/layer_writer.h"

namespace ocbuild::exporter {

struct ImportOptions {
  LayerWriteOptions layer;            // compression and SOURCE_DATE_EPOCH
  std::vector<std::string> env;       // "KEY=value"
  std::vector<std::string> cmd;       // exec form
  std::string working_dir;
  std::string user;
  std::string created_by = "ocbuild import";
};

// Returns the manifest descriptor (not tagged). The image's created time is
// SOURCE_DATE_EPOCH when given, else now; its platform is the host's.
Descriptor import_rootfs(ContentStore& store, const std::string& dir, const ImportOptions& options);

// RFC 3339 UTC ("2026-11-23T10:00:00Z") of seconds since the epoch.
std::string rfc3339_utc(int64_t seconds);

}  // namespace ocbuild::exporter
