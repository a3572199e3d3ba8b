#include "ocbuild/export/rootfs_import.h"

#include <ctime>

#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::exporter {

std::string rfc3339_utc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Descriptor import_rootfs(ContentStore& store, const std::string& dir, const ImportOptions& options) {
  // The layer is written beside the store's blobs so ingesting it is cheap.
  TempDir scratch("import-", store.root());
  std::string layer_path = scratch.path() + "/layer";
  Layer layer = write_layer_from_dir(dir, options.layer, layer_path);
  store.ingest_file(layer_path, layer.blob.digest, layer.blob.size);

  Platform platform = host_platform();
  ImageConfig config;
  config.created = rfc3339_utc(options.layer.source_date_epoch.value_or(static_cast<int64_t>(std::time(nullptr))));
  config.architecture = platform.architecture;
  config.os = platform.os;
  config.variant = platform.variant;
  config.config.env = options.env;
  config.config.cmd = options.cmd;
  config.config.working_dir = options.working_dir;
  config.config.user = options.user;
  config.rootfs.diff_ids.push_back(layer.diff_id);
  config.history.push_back(HistoryEntry{config.created, options.created_by, "", "", false});

  Manifest manifest;
  manifest.config = store.put_config(config);
  manifest.layers.push_back(layer.blob);
  return store.put_manifest(manifest);
}

}  // namespace ocbuild::exporter
