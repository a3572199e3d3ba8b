#pragma once
// COPY --parents, as BuildKit's dockerfile2llb lowers it: each source
// "pivot/./pattern" (no "/./": the pivot is the root) copies what the
// pattern matches under the pivot (an include pattern: "*" within a name,
// "**" across directories), keeping its path below the pivot, into the
// destination directory. Parent directories on that path are copied from
// the source too (mode, owner, mtime). A source matching nothing is no
// error (BuildKit's AllowEmptyWildcard).
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
  std::string path() const;  // pivot/pattern
};
ParentsSource split_parents_source(const std::string& source);

// The selection of every source in `files`, one directory-contents match
// per path matched: a first entry standing for the destination, then the
// parent directories below the pivot, then the match's entries, all with
// `rel` relative to the pivot. Throws as BuildContext::select (a bad
// wildcard) and Error(Io) when a parent cannot be statted.
Selection select_parents(const BuildContext& files, const std::vector<std::string>& sources,
                         const std::vector<std::string>& excludes);

}  // namespace ocbuild::solver
