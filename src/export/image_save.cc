// save: OCI layout (as a directory or a tar) and docker-archive outputs.
#include "ocbuild/export/image_save.h"

#include <nlohmann/json.hpp>

#include <set>

#include "archive_writer.h"
#include "blob_stream.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild::exporter {
namespace {

// Entries of an OCI layout holding one image: oci-layout, index.json, blobs.
std::vector<ArchiveEntry> oci_layout_entries(const ContentStore& store, const SaveRequest& req) {
  std::vector<ArchiveEntry> entries;
  entries.push_back({"oci-layout", R"({"imageLayoutVersion":"1.0.0"})", "", false, -1});
  Descriptor top = req.target;
  top.annotations.clear();
  if (!req.ref_name.empty()) top.annotations[kRefNameAnnotation] = req.ref_name;
  Index idx;
  idx.manifests = {top};
  entries.push_back({"index.json", to_json_bytes(idx), "", false, -1});
  for (const auto& d : store.reachable_from(req.target)) {
    if (!store.has(d))
      throw Error(ErrorCode::NotFound, "cannot save " + (req.ref_name.empty() ? req.target.digest.str() : req.ref_name) +
                                           ": blob " + d.str() + " is missing from the store");
    entries.push_back({"blobs/sha256/" + d.hex(), "", store.blob_path(d), false, -1});
  }
  return entries;
}

// A layer as an uncompressed tar entry, checked against its diff_id.
ArchiveEntry docker_layer_entry(const ContentStore& store, const Descriptor& layer, const Digest& diff_id) {
  std::string path = store.blob_path(layer.digest);
  if (!store.has(layer.digest)) throw Error(ErrorCode::NotFound, "layer blob " + layer.digest.str() + " is missing");
  ArchiveEntry e{diff_id.hex() + "/layer.tar", "", path, false, -1};
  if (detect_blob_compression(path) == Compression::None) {
    if (layer.digest != diff_id)
      throw Error(ErrorCode::Invalid, "layer " + layer.digest.str() + " does not match diff_id " + diff_id.str());
    return e;
  }
  UncompressedInfo info = uncompressed_info(path);
  if (info.digest != diff_id)
    throw Error(ErrorCode::Invalid, "layer " + layer.digest.str() + " decompresses to " + info.digest.str() +
                                        ", but the config's diff_id is " + diff_id.str());
  e.decompress = true;
  e.size = info.size;
  return e;
}

std::vector<ArchiveEntry> docker_archive_entries(const ContentStore& store, const SaveRequest& req) {
  StoredImage img = read_image(store, select_manifest(store, req.target));
  const auto& diff_ids = img.config.rootfs.diff_ids;
  if (diff_ids.size() != img.manifest.layers.size())
    throw Error(ErrorCode::Invalid, "image " + img.manifest_descriptor.digest.str() + " has " +
                                        std::to_string(img.manifest.layers.size()) + " layers but " +
                                        std::to_string(diff_ids.size()) + " diff_ids");
  std::vector<ArchiveEntry> entries;
  std::string config_name = img.manifest.config.digest.hex() + ".json";
  entries.push_back({config_name, img.config_bytes, "", false, -1});
  nlohmann::json layers = nlohmann::json::array();
  std::set<std::string> seen;
  for (size_t i = 0; i < diff_ids.size(); i++) {
    ArchiveEntry e = docker_layer_entry(store, img.manifest.layers[i], diff_ids[i]);
    layers.push_back(e.name);
    if (seen.insert(e.name).second) entries.push_back(std::move(e));
  }
  nlohmann::json m = {{"Config", config_name}, {"Layers", layers}, {"RepoTags", nlohmann::json::array()}};
  nlohmann::json repositories = nlohmann::json::object();
  std::vector<std::string> names = req.more_ref_names;
  if (!req.ref_name.empty()) names.insert(names.begin(), req.ref_name);
  for (const auto& name : names) {
    m["RepoTags"].push_back(name);
    ImageRef ref = parse_tag_ref(name);
    if (!diff_ids.empty()) repositories[ref.name][ref.tag] = diff_ids.back().hex();
  }
  entries.push_back({"manifest.json", nlohmann::json::array({m}).dump(), "", false, -1});
  if (!repositories.empty()) entries.push_back({"repositories", repositories.dump(), "", false, -1});
  return entries;
}

}  // namespace

SaveFormat parse_save_format(std::string_view text) {
  if (text == "oci" || text == "oci-archive") return SaveFormat::OciArchive;
  if (text == "oci-dir" || text == "oci-layout") return SaveFormat::OciDir;
  if (text == "docker" || text == "docker-archive") return SaveFormat::DockerArchive;
  throw Error(ErrorCode::Invalid, "unknown save format \"" + std::string(text) + "\" (want oci, oci-dir or docker)");
}

void save_image(const ContentStore& store, const SaveRequest& req, SaveFormat format, const std::string& out_path) {
  try {
    switch (format) {
      case SaveFormat::OciArchive: write_tar(oci_layout_entries(store, req), out_path); break;
      case SaveFormat::OciDir: write_tree(oci_layout_entries(store, req), out_path); break;
      case SaveFormat::DockerArchive: write_tar(docker_archive_entries(store, req), out_path); break;
    }
  } catch (Error& e) {
    e.add_context("saving " + (req.ref_name.empty() ? req.target.digest.str() : req.ref_name) + " to " + out_path);
    throw;
  }
}

}  // namespace ocbuild::exporter
