// load: format detection, the OCI layout reader, and tagging.
#include "ocbuild/export/image_load.h"

#include <sys/stat.h>

#include <set>

#include "archive_extract.h"
#include "load_formats.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_ref.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::exporter {
namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ref_name_for(const Descriptor& d) {
  if (auto it = d.annotations.find("io.containerd.image.name"); it != d.annotations.end())
    return parse_tag_ref(it->second).ref_name();
  auto it = d.annotations.find(kRefNameAnnotation);
  if (it == d.annotations.end()) return {};
  // A bare tag ("1.0", as skopeo writes for oci-archive:X:1.0) names no repository.
  if (it->second.find_first_of(":/") == std::string::npos) return {};
  return parse_tag_ref(it->second).ref_name();
}

void ingest_tree(ContentStore& store, const std::string& dir, const Descriptor& d, const std::string& parent) {
  std::string path = dir + "/blobs/" + d.digest.algorithm() + "/" + d.digest.hex();
  if (!store.has(d.digest)) {
    if (!is_file(path))
      throw Error(ErrorCode::NotFound, "blob " + d.digest.str() + " referenced by " + parent + " is missing");
    store.ingest_file(path, d.digest, d.size);
  }
  if (is_manifest_media_type(d.media_type)) {
    Manifest m = parse_manifest(store.read(d.digest), "manifest " + d.digest.str());
    ingest_tree(store, dir, m.config, d.digest.str());
    for (const auto& l : m.layers)
      if (l.urls.empty() || is_file(dir + "/blobs/sha256/" + l.digest.hex())) ingest_tree(store, dir, l, d.digest.str());
  } else if (is_index_media_type(d.media_type)) {
    for (const auto& c : parse_index(store.read(d.digest), "index " + d.digest.str()).manifests)
      ingest_tree(store, dir, c, d.digest.str());
  }
}

}  // namespace

std::vector<LoadedImage> ingest_oci_layout(ContentStore& store, const std::string& dir) {
  std::string layout = read_file(dir + "/oci-layout");
  if (layout.find("\"1.0.0\"") == std::string::npos)
    throw Error(ErrorCode::Invalid, dir + "/oci-layout: unsupported imageLayoutVersion: " + layout);
  Index idx = parse_index(read_file(dir + "/index.json"), dir + "/index.json");
  std::vector<LoadedImage> out;
  for (const auto& m : idx.manifests) {
    ingest_tree(store, dir, m, "index.json");
    Descriptor target = m;
    std::string name = ref_name_for(m);
    target.annotations.clear();
    out.push_back({name, target});
  }
  return out;
}

ArchiveFormat detect_archive_format(const std::string& path) {
  if (is_dir(path)) {
    if (is_file(path + "/oci-layout")) return ArchiveFormat::OciDir;
    throw Error(ErrorCode::Invalid, path + ": a directory without an oci-layout file is not an OCI layout");
  }
  if (!is_file(path)) throw Error(ErrorCode::NotFound, path + ": no such file or directory");
  std::set<std::string> names = list_archive_names(path);
  if (names.count("oci-layout") && names.count("index.json")) return ArchiveFormat::OciArchive;
  if (names.count("manifest.json")) return ArchiveFormat::DockerArchive;
  throw Error(ErrorCode::Invalid, path + ": neither an OCI archive (no oci-layout) nor a docker archive (no manifest.json)");
}

std::vector<LoadedImage> load_images(ContentStore& store, const std::string& path) {
  try {
    ArchiveFormat format = detect_archive_format(path);
    std::vector<LoadedImage> loaded;
    if (format == ArchiveFormat::OciDir) {
      loaded = ingest_oci_layout(store, path);
    } else {
      TempDir tmp("load-", store.root() + "/ingest");  // same file system as the blobs
      extract_archive(path, tmp.path());
      loaded = format == ArchiveFormat::OciArchive ? ingest_oci_layout(store, tmp.path())
                                                   : ingest_docker_archive_dir(store, tmp.path());
    }
    for (const auto& l : loaded)
      if (!l.ref_name.empty()) store.tag(l.ref_name, l.target);
    return loaded;
  } catch (Error& e) {
    e.add_context("loading " + path);
    throw;
  }
}

}  // namespace ocbuild::exporter
