#pragma once
// Unpacks one layer blob into an empty dir in overlay format: the applier
// extracts the entries, then each whiteout becomes a 0/0 character device
// and each opaque marker a user.overlay.opaque=y xattr, so the dir can be an
// overlay lower dir (and the native copy can merge it).
#include <string>

namespace ocbuild::snapshot {

// `create_devices`: whether device nodes can be made (host root only).
// Throws ocbuild::Error naming the layer.
void unpack_layer(const std::string& blob_path, const std::string& layer_name, const std::string& dir,
                  bool create_devices);

}  // namespace ocbuild::snapshot
