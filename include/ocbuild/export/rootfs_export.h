#pragma once
// Root file system outputs of a built image (`build -o type=local|tar`): the
// image's layers in order are applied with the layer applier (whiteouts
// honoured, hostile entries refused) to give the final file system, written
// as plain files into a directory or as one uncompressed reproducible tar.
// Throws ocbuild::Error naming the destination or the failing layer.
#include <string>

#include "ocbuild/core/content_store.h"

namespace ocbuild::exporter {

// Writes the file system of the manifest `manifest` into `dest`. A missing or
// empty `dest` is filled beside it and renamed into place (no half-written
// directory on failure); an existing non-empty directory gets the files on top.
void export_rootfs_dir(const ContentStore& store, const Descriptor& manifest, const std::string& dest);

// Writes that file system as one tar (layer writer rules: sorted, numeric
// owners) to `out_fd`. The caller owns the fd.
void export_rootfs_tar(const ContentStore& store, const Descriptor& manifest, int out_fd);

// The same to a file, atomically (temp beside it, fsync, rename).
void export_rootfs_tar(const ContentStore& store, const Descriptor& manifest, const std::string& dest);

}  // namespace ocbuild::exporter
