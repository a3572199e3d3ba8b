// layer_export_bench: times ocbuild's layer export of one tree.
//   layer_export_bench <tree> <out-dir> [none|gzip|zstd ...]
// Prints one line per compression: mode, seconds, uncompressed and blob
// bytes, MB/s. $ZSTD_WORKERS overrides the zstd worker count. bench/layer_export.sh compares it with tar | gzip / zstd.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ocbuild/core/error.h"
#include "ocbuild/export/layer_writer.h"

using namespace ocbuild;
using namespace ocbuild::exporter;

namespace {

Compression parse_mode(const std::string& m) {
  if (m == "none") return Compression::None;
  if (m == "gzip") return Compression::Gzip;
  if (m == "zstd") return Compression::Zstd;
  throw Error(ErrorCode::Invalid, "unknown compression " + m + " (none, gzip or zstd)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <tree> <out-dir> [none|gzip|zstd ...]\n", argv[0]);
    return 2;
  }
  std::vector<std::string> modes(argv + 3, argv + argc);
  if (modes.empty()) modes = {"none", "gzip", "zstd"};
  try {
    for (const auto& m : modes) {
      LayerWriteOptions o;
      o.source_date_epoch = 1700000000;
      o.compression.compression = parse_mode(m);
      if (const char* w = std::getenv("ZSTD_WORKERS")) o.compression.zstd_workers = std::atoi(w);
      auto start = std::chrono::steady_clock::now();
      Layer l = write_layer_from_dir(argv[1], o, std::string(argv[2]) + "/layer." + m);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%s %.3f %lld %lld %.1f\n", m.c_str(), secs, static_cast<long long>(l.uncompressed_size),
                  static_cast<long long>(l.blob.size), l.uncompressed_size / secs / 1e6);
      std::fflush(stdout);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "layer_export_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
