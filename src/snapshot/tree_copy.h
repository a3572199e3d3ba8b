#pragma once
// The native driver's copy: layer dirs in overlay format are merged, bottom
// first, into a fresh directory as real files (no hard links to the source;
// hard links inside a layer stay links), honouring whiteouts (0/0 character
// devices) and opaque dirs, and preserving owners, modes, xattrs and mtimes.
// Regular files are reflinked or copied with copy_file_range when possible.
#include <string>
#include <vector>

namespace ocbuild::snapshot {

// `layers_bottom_first` are applied in order onto the existing dir `dst`.
// Throws Error(Io) naming the path.
void merge_layers(const std::vector<std::string>& layers_bottom_first, const std::string& dst);

}  // namespace ocbuild::snapshot
