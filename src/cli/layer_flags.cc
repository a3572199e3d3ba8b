#include "cli/layer_flags.h"

#include <cstdlib>

#include "ocbuild/core/error.h"

namespace ocbuild::cli {

void LayerFlags::add_to(CLI::App& app) {
  app.add_option("--compression", compression, "layer compression: gzip (default), zstd or none")
      ->check(CLI::IsMember({"gzip", "zstd", "none"}));
  app.add_option("--source-date-epoch", source_date_epoch,
                 "clamp file and image times to this (default: $SOURCE_DATE_EPOCH)");
}

exporter::LayerWriteOptions LayerFlags::to_options() const {
  exporter::LayerWriteOptions o;
  o.compression.compression = compression == "zstd"   ? Compression::Zstd
                              : compression == "none" ? Compression::None
                                                      : Compression::Gzip;
  o.source_date_epoch = source_date_epoch;
  if (!o.source_date_epoch) {
    if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
      char* end = nullptr;
      long long v = std::strtoll(env, &end, 10);
      if (*end != '\0' || v < 0)
        throw Error(ErrorCode::Invalid, "SOURCE_DATE_EPOCH must be a whole number of seconds, not \"" +
                                            std::string(env) + "\"");
      o.source_date_epoch = v;
    }
  }
  return o;
}

}  // namespace ocbuild::cli
