#pragma once
// Walking a build context the way BuildKit's fsutil does with .dockerignore
// patterns: every path that is not excluded is yielded (relative,
// '/'-separated, depth first with each directory's entries in byte order,
// the root itself not included), with its lstat information. Symlinks are
// never followed. An excluded directory is not even opened unless an
// exception pattern could re-include something below it; a directory that is
// excluded but entered is yielded only if something inside it is.
#include <sys/stat.h>

#include <cstddef>
#include <functional>
#include <string>

#include "ocbuild/frontend/dockerignore.h"

namespace ocbuild::frontend {

struct ContextEntry {
  std::string path;  // "dir/file", relative to the context root
  struct stat st;    // lstat of the entry
};

enum class WalkAction { Continue, SkipDir };  // SkipDir: do not enter this directory

struct WalkStats {
  size_t directories_opened = 0;  // including the context root
  size_t entries_yielded = 0;
};

using WalkCallback = std::function<WalkAction(const ContextEntry&)>;

// `matcher` may be null (nothing excluded). Throws ocbuild::Error (Io) naming
// the path when the root or an included directory cannot be read; a path
// that disappears during the walk is skipped, and so is an excluded
// directory that cannot be opened. Errors from the matcher or the callback
// propagate unchanged.
WalkStats walk_context(const std::string& context_dir, const PatternMatcher* matcher,
                       const WalkCallback& callback);

}  // namespace ocbuild::frontend
