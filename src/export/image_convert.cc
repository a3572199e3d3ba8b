#include "ocbuild/export/image_convert.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "export/blob_stream.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {
namespace {

// One layer decompressed and compressed again; the diff_id must not change.
Descriptor recompress(ContentStore& store, const Descriptor& layer, const Digest& diff_id,
                      const ConvertOptions& options) {
  TempDir work("convert-", store.root());
  std::string path = work.path() + "/blob";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) throw Error::io("create " + path, errno);
  CompressingBlobWriter writer(fd.get(), *options.compression);
  stream_decompressed(store.blob_path(layer.digest), [&](const void* data, size_t n) { writer.write(data, n); });
  BlobResult r = writer.finish();
  if (r.diff_id != diff_id)
    throw Error(ErrorCode::Internal, "layer " + layer.digest.str() + " decompresses to " + r.diff_id.str() +
                                         ", not its diff_id " + diff_id.str());
  fd.reset();
  store.ingest_file(path, r.digest, r.size);
  Descriptor out = layer;
  out.digest = r.digest;
  out.size = r.size;
  out.media_type = layer_media_type_for(options.compression->compression, options.oci_media_types);
  return out;
}

}  // namespace

const char* layer_media_type_for(Compression c, bool oci) {
  if (oci || c == Compression::Zstd) return layer_media_type(c);
  return c == Compression::Gzip ? media_type::kDockerLayerGzip : media_type::kDockerLayer;
}

Compression compression_of_media_type(const std::string& media_type) {
  if (media_type.ends_with("+gzip") || media_type.ends_with(".gzip")) return Compression::Gzip;
  if (media_type.ends_with("+zstd") || media_type.ends_with(".zstd")) return Compression::Zstd;
  return Compression::None;
}

Descriptor convert_image(ContentStore& store, const Descriptor& manifest, const ConvertOptions& options) {
  if (!is_manifest_media_type(manifest.media_type))
    throw Error(ErrorCode::Invalid, "cannot convert " + manifest.media_type + " " + manifest.digest.str() +
                                        ": an image manifest is needed");
  StoredImage image = read_image(store, manifest);
  Manifest out = image.manifest;
  out.media_type = options.oci_media_types ? media_type::kOciManifest : media_type::kDockerManifest;
  out.config.media_type = options.oci_media_types ? media_type::kOciConfig : media_type::kDockerConfig;
  const auto& diff_ids = image.config.rootfs.diff_ids;
  if (diff_ids.size() != out.layers.size())
    throw Error(ErrorCode::Invalid, "image " + manifest.digest.str() + " has " + std::to_string(out.layers.size()) +
                                        " layers but " + std::to_string(diff_ids.size()) + " diff_ids");
  for (size_t i = 0; i < out.layers.size(); ++i) {
    Descriptor& layer = out.layers[i];
    Compression now = compression_of_media_type(layer.media_type);
    bool differs = options.compression && (now != options.compression->compression || options.force_compression);
    if (differs)
      layer = recompress(store, layer, diff_ids[i], options);
    else
      layer.media_type = layer_media_type_for(now, options.oci_media_types);
  }
  if (!options.oci_media_types) out.annotations.clear();  // schema 2 has none
  if (out == image.manifest) return manifest;
  Descriptor d = store.put_manifest(out);
  d.platform = manifest.platform;
  return d;
}

}  // namespace ocbuild::exporter
