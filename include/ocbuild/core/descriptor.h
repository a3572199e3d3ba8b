#pragma once
// OCI content descriptors and the media types ocbuild reads and writes.
// JSON (de)serialization lives with the image model (image.h).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild {

namespace media_type {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
}  // namespace media_type

struct Platform {
  std::string architecture;
  std::string os;
  std::string os_version;
  std::vector<std::string> os_features;
  std::string variant;
  friend bool operator==(const Platform&, const Platform&) = default;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

enum class Compression { None, Gzip, Zstd };

// The layer media type for a compression (OCI flavour).
const char* layer_media_type(Compression c);

}  // namespace ocbuild
