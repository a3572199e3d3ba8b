#include "ocbuild/core/descriptor.h"

namespace ocbuild {

const char* layer_media_type(Compression c) {
  switch (c) {
    case Compression::None: return media_type::kOciLayer;
    case Compression::Gzip: return media_type::kOciLayerGzip;
    case Compression::Zstd: return media_type::kOciLayerZstd;
  }
  return media_type::kOciLayer;
}

}  // namespace ocbuild
