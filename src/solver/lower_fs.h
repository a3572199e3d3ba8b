#pragma once
// Internal to the solver: a read-only view of an image's file system made of
// its unpacked layer dirs (overlay format: a deletion is a 0/0 character
// device, an opaque dir carries overlay.opaque=y), without mounting it. COPY
// and WORKDIR use it to give directories they write the metadata the image
// below already has, and to follow symlinks in a destination path.
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/xattrs.h"
#include "ocbuild/snapshot/owner_view.h"

namespace ocbuild::solver {

struct LowerEntry {
  struct stat st {};  // st_uid, st_gid: the container's view (OwnerView)
  Xattrs xattrs;
  std::string link_target;  // symlinks only
};

class LowerFs {
 public:
  LowerFs() = default;  // an empty file system (scratch)
  explicit LowerFs(std::vector<std::string> layer_dirs_top_first) : dirs_(std::move(layer_dirs_top_first)) {}

  // The entry at an absolute path (not following a final symlink; no symlink
  // in the parents is followed either), or nullopt when the merged view
  // does not have it.
  std::optional<LowerEntry> lookup(const std::string& path) const;
  // The path with every symlink among its components resolved inside the
  // root ("../x" from "/" stays "/x"), the last one too when follow_last.
  // Throws Error(Invalid) after 40 links.
  std::string resolve(const std::string& path, bool follow_last) const;
  // How this process reads the owners of snapshot files (also the tree of a
  // COPY --from source, a copy of snapshots made the same way).
  const snapshot::OwnerView& owner_view() const { return owners_; }

 private:
  std::vector<std::string> dirs_;
  snapshot::OwnerView owners_;
};

}  // namespace ocbuild::solver
