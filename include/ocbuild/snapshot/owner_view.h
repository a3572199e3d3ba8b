#pragma once
// The owner of a snapshot file as the container sees it, for code that reads
// committed snapshots on the host, outside the user namespace (COPY's view
// of the image below, COPY --from's source tree): the host ids go back
// through this process's id mapping (identity for host root; the user as 0
// and its subordinate range otherwise; an id outside it shows as 65534, as
// the kernel shows it), then a kept owner (core/xattrs.h) applies.
// Immutable after construction: safe to share between threads.
#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ocbuild::snapshot {

class OwnerView {
 public:
  // This process's mapping, as the executor and SnapshotStore use it.
  OwnerView();

  // uid, gid of the file at `path` whose lstat is `st`. Throws Error(Io)
  // only when the kept-owner xattr cannot be read.
  std::pair<uint32_t, uint32_t> owner(const std::string& path, const struct stat& st) const;

 private:
  struct Range {
    uint32_t inside, outside, count;
  };
  static uint32_t to_container(const std::vector<Range>& ranges, uint32_t host);
  bool identity_ = true;
  std::vector<Range> uids_, gids_;
};

}  // namespace ocbuild::snapshot
