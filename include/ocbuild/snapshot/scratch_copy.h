#pragma once
// A throwaway copy of a file or directory tree (RUN --mount=type=bind,rw:
// the RUN writes to the copy, never to the source). Owners, modes, xattrs
// and times are kept as the RUN's user namespace sees them.
#include <string>

namespace ocbuild::snapshot {

// Move-only. The destructor removes the copy as container root (the RUN may
// have left files of subordinate ids in it) and never throws.
class ScratchCopy {
 public:
  // Copies `source` to a fresh directory under `parent` ($TMPDIR when empty).
  // Throws Error(Io) naming the path, Error(NotFound) when source is absent.
  ScratchCopy(const std::string& source, const std::string& parent = "");
  ScratchCopy(ScratchCopy&& o) noexcept;
  ScratchCopy& operator=(ScratchCopy&& o) noexcept;
  ScratchCopy(const ScratchCopy&) = delete;
  ScratchCopy& operator=(const ScratchCopy&) = delete;
  ~ScratchCopy();

  // The copy: <dir>/tree, a file or a directory like the source.
  const std::string& path() const { return path_; }

 private:
  void remove() noexcept;
  std::string dir_;
  std::string path_;
};

}  // namespace ocbuild::snapshot
