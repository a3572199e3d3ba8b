#pragma once
// COPY --parents, as BuildKit's dockerfile2llb lowers it: each source
// "pivot/./pattern" (no "/./": the pivot is the root) copies the files the
// pattern matches under the pivot, keeping their path below the pivot, into
// the destination directory. Parent directories on that path are copied
// from the source too (mode, owner, mtime), as BuildKit's include-pattern
// copy does.
#include <string>
#include <vector>

#include "ocbuild/solver/build_context.h"

namespace ocbuild::solver {

// One source split at its first "/./": the pivot (a context path, "" for the
// root) and the pattern below it, both cleaned; ".." never climbs above the
// pivot. Throws Error(Invalid) when the pivot leaves the context.
struct ParentsSource {
  std::string pivot;
  std::string pattern;
  std::string path() const;  // pivot/pattern, what BuildContext::select takes
};
ParentsSource split_parents_source(const std::string& source);

// The sources to select with (pivot/pattern each).
std::vector<std::string> parents_select_paths(const std::vector<std::string>& sources);

// Rewrites a selection made from parents_select_paths(sources) into one
// directory-contents match per source match: a first entry standing for the
// destination, then the parent directories below the pivot (statted under
// `source_root`), then the match's entries, all with `rel` relative to the
// pivot. Throws Error(Io) when a parent cannot be statted.
Selection parents_selection(const Selection& selection, const std::vector<std::string>& sources,
                            const std::string& source_root);

}  // namespace ocbuild::solver
