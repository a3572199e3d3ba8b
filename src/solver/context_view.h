#pragma once
// Internal to the solver: what a RUN --mount=type=bind without from= sees of
// the build context when a .dockerignore is in effect. BuildKit filters the
// context before anything reads it, so a bind never shows an ignored file:
// the selected entries are laid out in a temp dir (files hard-linked from
// the context when possible, else copied; dirs, symlinks, modes and mtimes
// kept) and that tree is bound instead of the context itself.
#include <string>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/solver/build_context.h"

namespace ocbuild::solver {

// Move-only; the destructor removes the tree (never the context's files).
class ContextView {
 public:
  // `selection` is one source's selection from `context_dir`; the tree is
  // made under `parent` ($TMPDIR when empty). Throws Error(Io) naming the path.
  ContextView(const Selection& selection, const std::string& context_dir, const std::string& parent = "");

  // The bind source: <dir>/tree, a file or a directory like the match.
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

}  // namespace ocbuild::solver
