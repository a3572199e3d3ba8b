#pragma once
// Test images for pull/push: a small tree written as a real layer blob with
// exporter::write_layer_from_dir, a config and a manifest put into a
// ContentStore, optionally tagged; and an index over several of them.
#include <string>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_writer.h"

namespace ocbuild::testing {

// A manifest for linux/<arch>[/variant] (no os/architecture in the config
// when arch is empty) with two layers whose contents depend on `seed`.
inline Descriptor make_registry_image(ContentStore& store, const std::string& arch, const std::string& seed,
                                      const std::string& tag = "", const std::string& variant = "") {
  TempDir tmp("ocbuild-regimg-");
  ImageConfig cfg;
  cfg.architecture = arch;
  cfg.os = arch.empty() ? "" : "linux";
  cfg.variant = variant;
  cfg.created = "2024-01-01T00:00:00Z";
  cfg.config.cmd = {"/bin/sh"};
  Manifest m;
  for (int i = 0; i < 2; ++i) {
    std::string dir = tmp.path() + "/tree" + std::to_string(i);
    make_dirs(dir + "/etc");
    write_file_atomic(dir + "/etc/seed", seed + "/" + arch + "/" + std::to_string(i) + "\n");
    write_file_atomic(dir + "/data.bin", std::string(20000 + i * 1000, static_cast<char>('a' + i)) + seed);
    exporter::LayerWriteOptions o;
    o.source_date_epoch = 0;
    std::string blob = tmp.path() + "/layer" + std::to_string(i);
    exporter::Layer layer = exporter::write_layer_from_dir(dir, o, blob);
    store.ingest_file(blob, layer.blob.digest);
    m.layers.push_back(layer.blob);
    cfg.rootfs.diff_ids.push_back(layer.diff_id);
    cfg.history.push_back({"2024-01-01T00:00:00Z", "ADD layer " + std::to_string(i), "", "", false});
  }
  m.config = store.put_config(cfg);
  Descriptor d = store.put_manifest(m);
  d.platform = Platform{arch, "linux", "", {}, arch == "arm64" && variant.empty() ? "v8" : variant};
  if (!tag.empty()) store.tag(tag, d);
  return d;
}

inline Descriptor make_registry_index(ContentStore& store, const std::vector<Descriptor>& manifests,
                                      const std::string& tag) {
  Index idx;
  idx.manifests = manifests;
  Descriptor d = store.put_index(idx);
  store.tag(tag, d);
  return d;
}

}  // namespace ocbuild::testing
