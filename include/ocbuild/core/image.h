#pragma once
// The OCI/Docker image model: image config, manifest and index (the Docker v2
// schema 2 manifest and manifest list share the OCI shapes and differ only in
// media types). Values go in and out as canonical JSON bytes: sorted keys, no
// whitespace, empty optional fields omitted as the OCI/Docker Go types do, so
// one value always serializes to the same bytes. Parsers throw Error(Parse)
// naming `what` (a file name or digest) on malformed input.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/descriptor.h"

namespace ocbuild {

// Fields this model does not know, kept as key -> canonical JSON text of the
// value, so that a base image's extra fields survive a round trip.
using UnknownFields = std::map<std::string, std::string>;

struct Healthcheck {
  std::vector<std::string> test;  // ["NONE"], ["CMD", ...], ["CMD-SHELL", "..."]
  int64_t interval = 0;           // nanoseconds, 0 = inherit
  int64_t timeout = 0;
  int64_t start_period = 0;
  int64_t start_interval = 0;
  int retries = 0;
  friend bool operator==(const Healthcheck&, const Healthcheck&) = default;
};

// The "config" object of an image config (runtime defaults).
struct ContainerConfig {
  std::string user;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;         // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::optional<Healthcheck> healthcheck;
  std::vector<std::string> shell;
  std::vector<std::string> on_build;
  bool args_escaped = false;
  UnknownFields unknown;
  friend bool operator==(const ContainerConfig&, const ContainerConfig&) = default;
};

struct HistoryEntry {
  std::string created;  // RFC 3339
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;
  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

struct RootFs {
  std::string type = "layers";
  std::vector<Digest> diff_ids;
  friend bool operator==(const RootFs&, const RootFs&) = default;
};

struct ImageConfig {
  std::string created;  // RFC 3339, empty = omitted
  std::string author;
  std::string architecture;
  std::string os;
  std::string os_version;
  std::vector<std::string> os_features;
  std::string variant;
  ContainerConfig config;
  RootFs rootfs;
  std::vector<HistoryEntry> history;
  UnknownFields unknown;
  friend bool operator==(const ImageConfig&, const ImageConfig&) = default;
};

// An OCI image manifest or a Docker v2 schema 2 manifest (by media_type).
struct Manifest {
  int schema_version = 2;
  std::string media_type = media_type::kOciManifest;
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

// An OCI image index or a Docker manifest list (by media_type).
struct Index {
  int schema_version = 2;
  std::string media_type = media_type::kOciIndex;
  std::string artifact_type;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
  friend bool operator==(const Index&, const Index&) = default;
};

std::string to_json_bytes(const ImageConfig& config);
std::string to_json_bytes(const Manifest& manifest);
std::string to_json_bytes(const Index& index);
std::string to_json_bytes(const Descriptor& descriptor);
std::string to_json_bytes(const Platform& platform);

ImageConfig parse_image_config(std::string_view json, const std::string& what = "image config");
Manifest parse_manifest(std::string_view json, const std::string& what = "manifest");
Index parse_index(std::string_view json, const std::string& what = "index");
Descriptor parse_descriptor(std::string_view json, const std::string& what = "descriptor");
Platform parse_platform(std::string_view json, const std::string& what = "platform");

// The "mediaType" of a manifest-like document, or "" when absent/not JSON.
std::string sniff_media_type(std::string_view json);

bool is_manifest_media_type(std::string_view media_type);  // OCI or Docker manifest
bool is_index_media_type(std::string_view media_type);     // OCI index or Docker list

}  // namespace ocbuild
