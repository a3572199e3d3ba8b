#pragma once
// Image conversion for outputs: an image manifest in the store comes in; the
// same image with its layers recompressed (gzip, zstd or none, at a level)
// and/or with Docker media types instead of OCI ones goes out, as a new
// manifest in the store (config bytes and diff_ids unchanged). BuildKit's
// exporter attributes compression=, compression-level=, force-compression=
// and oci-mediatypes=. Throws Error(NotFound) for a missing blob, Error(Io).
#include <optional>

#include "ocbuild/core/content_store.h"
#include "ocbuild/export/blob_writer.h"

namespace ocbuild::exporter {

struct ConvertOptions {
  // nullopt: each layer keeps its compression (only media types may change).
  std::optional<CompressionOptions> compression;
  // Recompress layers already in the wanted compression too (a new level).
  bool force_compression = false;
  // false: Docker v2 schema 2 media types (zstd has none: callers keep OCI).
  bool oci_media_types = true;
};

// The media type of a layer with this compression in either family.
const char* layer_media_type_for(Compression compression, bool oci_media_types);
// The compression a layer media type announces (+gzip, +zstd, .gzip, else none).
Compression compression_of_media_type(const std::string& media_type);

// Returns `manifest` itself when nothing would change. Single image
// manifests only (what `ocbuild build` makes); Error(Invalid) otherwise.
Descriptor convert_image(ContentStore& store, const Descriptor& manifest, const ConvertOptions& options);

}  // namespace ocbuild::exporter
