#include "ocbuild/export/rootfs_export.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_applier.h"
#include "ocbuild/export/layer_writer.h"

namespace ocbuild::exporter {
namespace {

void apply_image(const ContentStore& store, const Descriptor& manifest, const std::string& dir) {
  StoredImage image = read_image(store, manifest);
  for (const auto& layer : image.manifest.layers) {
    ApplyOptions options;
    options.layer_name = layer.digest.str();
    apply_layer(store.blob_path(layer.digest), dir, options);
  }
}

// Parent directory of `path` ("." for a bare name), created if missing.
std::string parent_of(const std::string& path) {
  std::filesystem::path p = std::filesystem::absolute(path).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(p, ec);
  if (ec) throw Error::io("create " + p.string(), ec.value());
  return p.string();
}

bool is_empty_dir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) && std::filesystem::is_empty(path, ec);
}

void write_tree_tar(const std::string& dir, int out_fd) {
  LayerWriteOptions options;
  options.compression.compression = Compression::None;
  write_layer_from_dir(dir, options, out_fd);
}

}  // namespace

void export_rootfs_dir(const ContentStore& store, const Descriptor& manifest, const std::string& dest) {
  struct stat st {};
  bool exists = ::lstat(dest.c_str(), &st) == 0;
  if (exists && !S_ISDIR(st.st_mode)) throw Error(ErrorCode::Invalid, "output " + dest + " is not a directory");
  if (exists && !is_empty_dir(dest)) {
    apply_image(store, manifest, dest);
    return;
  }
  TempDir staging(".ocbuild-output-", parent_of(dest));
  ::chmod(staging.path().c_str(), 0755);
  apply_image(store, manifest, staging.path());
  if (exists && ::rmdir(dest.c_str()) != 0) throw Error::io("replace empty directory " + dest, errno);
  if (::rename(staging.path().c_str(), dest.c_str()) != 0) throw Error::io("rename output into " + dest, errno);
  staging.release();
  fsync_dir(parent_of(dest));
}

void export_rootfs_tar(const ContentStore& store, const Descriptor& manifest, int out_fd) {
  TempDir staging("ocbuild-rootfs-");
  apply_image(store, manifest, staging.path());
  write_tree_tar(staging.path(), out_fd);
}

void export_rootfs_tar(const ContentStore& store, const Descriptor& manifest, const std::string& dest) {
  AtomicFile out(dest);
  export_rootfs_tar(store, manifest, out.fd());
  out.commit();
}

}  // namespace ocbuild::exporter
