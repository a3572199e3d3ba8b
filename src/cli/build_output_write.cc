// Writing the outputs of a build: each image output converted when its
// attributes ask for it, then tagged, archived or pushed under its names.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "cli/build_output.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/export/image_save.h"
#include "ocbuild/export/rootfs_export.h"
#include "ocbuild/registry/push.h"

namespace ocbuild::cli {
namespace {

// Copies a finished file to stdout (archives are written to a file first so
// the writers stay atomic and seekable).
void copy_to_stdout(const std::string& path) {
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) throw Error::io("open " + path, errno);
  copy_all(in.get(), STDOUT_FILENO, path, "stdout");
}

void write_archive(const ContentStore& store, const Descriptor& manifest, const std::vector<std::string>& names,
                   const BuildOutput& out) {
  exporter::SaveRequest req{manifest, names.empty() ? "" : names.front(), {}};
  if (out.type == OutputType::Docker && names.size() > 1) req.more_ref_names.assign(names.begin() + 1, names.end());
  auto format = out.type == OutputType::Oci ? exporter::SaveFormat::OciArchive : exporter::SaveFormat::DockerArchive;
  if (!out.to_stdout()) return exporter::save_image(store, req, format, out.dest);
  TempDir tmp("ocbuild-output-");
  exporter::save_image(store, req, format, tmp.path() + "/image.tar");
  copy_to_stdout(tmp.path() + "/image.tar");
}

std::string push_one(const ContentStore& store, const Descriptor& manifest, const std::string& ref,
                     const RegistryFlags& flags) {
  registry::PushOptions options;
  options.client = flags.client_options();
  return registry::push(store, manifest.digest.str(), registry::Reference::parse(ref), options).digest.str();
}

void write_rootfs(const ContentStore& store, const Descriptor& manifest, const BuildOutput& out) {
  if (out.type == OutputType::Local) return exporter::export_rootfs_dir(store, manifest, out.dest);
  if (out.to_stdout()) return exporter::export_rootfs_tar(store, manifest, STDOUT_FILENO);
  exporter::export_rootfs_tar(store, manifest, out.dest);
}

}  // namespace

OutputResult write_outputs(ContentStore& store, const Descriptor& manifest, const std::vector<BuildOutput>& outputs,
                           const std::vector<std::string>& refs, const RegistryFlags& registry,
                           Compression build_compression) {
  OutputResult result;
  for (const auto& out : outputs) {
    for (const auto& w : out.warnings) std::cerr << "warning: " << w << "\n";
    if (!out.is_image()) {
      write_rootfs(store, manifest, out);
      continue;
    }
    Descriptor image = manifest;
    if (auto conversion = out.conversion(build_compression)) image = exporter::convert_image(store, manifest, *conversion);
    if (!result.exported) result.exported = image;
    const std::vector<std::string>& names = out.names.empty() ? refs : out.names;
    if (out.type == OutputType::Image)
      for (const auto& name : names) store.tag(name, image);
    if (out.type == OutputType::Oci || out.type == OutputType::Docker) write_archive(store, image, names, out);
    if (out.push)
      for (const auto& name : names) result.pushed.emplace_back(name, push_one(store, image, name, registry));
  }
  return result;
}

}  // namespace ocbuild::cli
