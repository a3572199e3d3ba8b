#pragma once
// The native driver's record of a tree right after the copy: every path's
// metadata, kept in the active snapshot's dir so the diff (maybe in another
// process, inside a user namespace) compares against it.
// File format "ocbuild-manifest 1": a version line, then per entry the path,
// the numbers and length-prefixed link target and xattrs.
#include <map>
#include <string>

#include "snapshot/fs_entry.h"

namespace ocbuild::snapshot {

// Path relative to the root ("" is the root itself) -> state.
using TreeManifest = std::map<std::string, FileState>;

TreeManifest scan_tree(const std::string& root);
// Written through AtomicFile. load throws Error(Invalid) for a bad version.
void save_manifest(const TreeManifest& manifest, const std::string& path);
TreeManifest load_manifest(const std::string& path);

}  // namespace ocbuild::snapshot
