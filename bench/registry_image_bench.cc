// registry_image_bench: makes the image bench/registry_bench.sh moves around.
//   registry_image_bench <store-root> <name:tag> <total-mb> <layers>
// Each layer is a tree of 8 MiB files of pseudo-random bytes (incompressible,
// so the blob is as large as the data), written as a gzip layer with the
// ordinary layer writer; then a config and an OCI manifest, tagged name:tag.
// Prints the manifest digest and the total blob bytes.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_writer.h"

using namespace ocbuild;

namespace {

void write_random_file(const std::string& path, size_t bytes, std::mt19937_64& rng) {
  std::string data(bytes, '\0');
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t v = rng();
    std::memcpy(&data[i], &v, 8);
  }
  write_file_atomic(path, data);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <store-root> <name:tag> <total-mb> <layers>\n", argv[0]);
    return 2;
  }
  try {
    ContentStore store(argv[1]);
    int64_t total = std::atoll(argv[3]) << 20;
    int layers = std::atoi(argv[4]);
    std::mt19937_64 rng(42);
    TempDir tmp("ocbuild-regbench-");
    ImageConfig cfg;
    cfg.architecture = "amd64";
    cfg.os = "linux";
    Manifest m;
    int64_t blob_bytes = 0;
    for (int l = 0; l < layers; ++l) {
      std::string dir = tmp.path() + "/layer" + std::to_string(l);
      make_dirs(dir);
      int64_t left = total / layers;
      for (int f = 0; left > 0; ++f, left -= 8 << 20)
        write_random_file(dir + "/file" + std::to_string(f), static_cast<size_t>(std::min<int64_t>(left, 8 << 20)), rng);
      exporter::LayerWriteOptions o;
      o.source_date_epoch = 0;
      o.compression.level = 1;
      exporter::Layer layer = exporter::write_layer_from_dir(dir, o, tmp.path() + "/blob");
      store.ingest_file(tmp.path() + "/blob", layer.blob.digest);
      remove_tree_noexcept(dir);
      m.layers.push_back(layer.blob);
      cfg.rootfs.diff_ids.push_back(layer.diff_id);
      blob_bytes += layer.blob.size;
    }
    m.config = store.put_config(cfg);
    Descriptor d = store.put_manifest(m);
    store.tag(argv[2], d);
    std::printf("%s %lld\n", d.digest.str().c_str(), static_cast<long long>(blob_bytes));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
