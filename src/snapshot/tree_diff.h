#pragma once
// The two diffs that turn a RUN's effect into a ChangeSet for the layer
// writer. Both follow BuildKit's overlay differ so that the drivers write the
// same layer: a non-directory the RUN touched (overlay copied it up; natively
// its ctime moved) is a change even when its content is the same; a
// directory is a change only when its metadata changed; a directory deleted
// and created again (or replacing a non-directory) is opaque.
#include <string>
#include <vector>

#include "ocbuild/export/layer_writer.h"
#include "snapshot/tree_manifest.h"

namespace ocbuild::snapshot {

// Native: `root` after the RUN against its manifest from before.
exporter::ChangeSet native_diff(const std::string& root, const TreeManifest& before);

// Overlay: the upper dir against the lower dirs (top first).
exporter::ChangeSet overlay_diff(const std::string& upper, const std::vector<std::string>& lowers_top_first);

}  // namespace ocbuild::snapshot
