#pragma once
// The native driver's copy: layer dirs in overlay format are merged, bottom
// first, into a fresh directory as real files, honouring whiteouts (0/0
// character devices) and opaque dirs, and preserving owners, modes, xattrs
// and mtimes. The copy has no hard links at all, like overlayfs breaking a
// lower hard link on copy-up: chmod of one name never changes the other, so
// both drivers see (and write) the same changes.
// Regular files are reflinked or copied with copy_file_range when possible.
#include <string>
#include <vector>

namespace ocbuild::snapshot {

// `layers_bottom_first` are applied in order onto the existing dir `dst`.
// Throws Error(Io) naming the path.
void merge_layers(const std::vector<std::string>& layers_bottom_first, const std::string& dst);

// The same for only some paths of the merged file system: each of
// `paths` (absolute, clean, none below another) with everything below it,
// and the directories on the way to it as the layers have them. A symlink
// on the way is copied, not followed (the caller asks for its target too).
void merge_layer_paths(const std::vector<std::string>& layers_bottom_first, const std::vector<std::string>& paths,
                       const std::string& dst);

}  // namespace ocbuild::snapshot
