// Reading a docker-archive (docker save, skopeo docker-archive:): manifest.json
// lists, per image, the config file, the layer files (tars, possibly
// compressed) and RepoTags. Each layer is checked against the config's
// diff_ids, then stored as is under an OCI manifest written here.
#include <nlohmann/json.hpp>

#include "blob_stream.h"
#include "load_formats.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild::exporter {
namespace {

using nlohmann::json;

std::string safe_member(const json& v, const std::string& what) {
  if (!v.is_string()) throw Error(ErrorCode::Invalid, "manifest.json: " + what + " must be a string");
  std::string s = v.get<std::string>();
  if (s.empty() || s[0] == '/' || s.find("..") != std::string::npos)
    throw Error(ErrorCode::Invalid, "manifest.json: unsafe path " + s);
  return s;
}

// If the file is named after its digest ("<hex>.json", "blobs/sha256/<hex>"),
// that digest must match.
std::optional<Digest> digest_from_name(const std::string& name) {
  auto slash = name.rfind('/');
  std::string base = name.substr(slash == std::string::npos ? 0 : slash + 1);
  if (base.size() >= 64) {
    std::string hex = base.substr(0, 64);
    if (auto d = Digest::try_parse("sha256:" + hex); d && (base.size() == 64 || base.substr(64) == ".json")) return d;
  }
  return std::nullopt;
}

Descriptor ingest_layer(ContentStore& store, const std::string& path, const Digest& diff_id) {
  Compression c = detect_blob_compression(path);
  if (c == Compression::None) {
    Digest d = store.ingest_file(path, diff_id);  // verified: the tar is the diff
    return Descriptor{media_type::kOciLayer, d, *store.blob_size(d), {}, {}, std::nullopt};
  }
  UncompressedInfo info = uncompressed_info(path);
  if (info.digest != diff_id)
    throw Error(ErrorCode::Invalid, path + ": layer decompresses to " + info.digest.str() + ", expected diff_id " +
                                        diff_id.str());
  Digest d = store.ingest_file(path);
  return Descriptor{layer_media_type(c), d, *store.blob_size(d), {}, {}, std::nullopt};
}

std::vector<LoadedImage> ingest_entry(ContentStore& store, const std::string& dir, const json& entry) {
  if (!entry.is_object()) throw Error(ErrorCode::Invalid, "manifest.json: entries must be objects");
  std::string config_name = safe_member(entry.value("Config", json()), "Config");
  std::string config_bytes = read_file(dir + "/" + config_name);
  Digest config_digest = store.ingest_bytes(config_bytes, digest_from_name(config_name));
  ImageConfig config = parse_image_config(config_bytes, config_name);
  json layers = entry.value("Layers", json::array());
  if (!layers.is_array() || layers.size() != config.rootfs.diff_ids.size())
    throw Error(ErrorCode::Invalid, "manifest.json: " + config_name + " lists " +
                                        std::to_string(config.rootfs.diff_ids.size()) + " diff_ids but " +
                                        std::to_string(layers.size()) + " layers");
  Manifest m;
  m.config = Descriptor{media_type::kOciConfig, config_digest, static_cast<int64_t>(config_bytes.size()), {}, {}, {}};
  for (size_t i = 0; i < layers.size(); i++)
    m.layers.push_back(ingest_layer(store, dir + "/" + safe_member(layers[i], "Layers"), config.rootfs.diff_ids[i]));
  Descriptor target = store.put_manifest(m);
  std::vector<LoadedImage> out;
  json tags = entry.value("RepoTags", json::array());
  if (tags.is_array())
    for (const auto& t : tags)
      if (t.is_string()) out.push_back({parse_tag_ref(t.get<std::string>()).ref_name(), target});
  if (out.empty()) out.push_back({"", target});
  return out;
}

}  // namespace

std::vector<LoadedImage> ingest_docker_archive_dir(ContentStore& store, const std::string& dir) {
  json manifest = json::parse(read_file(dir + "/manifest.json"), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_array())
    throw Error(ErrorCode::Parse, "manifest.json: expected a JSON array");
  std::vector<LoadedImage> out;
  for (const auto& entry : manifest)
    for (auto& l : ingest_entry(store, dir, entry)) out.push_back(std::move(l));
  return out;
}

}  // namespace ocbuild::exporter
