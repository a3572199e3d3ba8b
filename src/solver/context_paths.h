#pragma once
// Path helpers for the build context: lexical cleaning and resolution of a
// context path with symlinks followed but confined to the context root (an
// absolute or "../" link target lands inside the root, as RESOLVE_IN_ROOT).
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

namespace ocbuild::solver {

// Go's filepath.Clean on a '/'-separated path.
std::string clean_path(const std::string& path);
// A COPY source as a context path: a leading '/' means the context root;
// "." is "". Throws Error(Invalid) naming the source when it leaves the context.
std::string context_source_path(const std::string& source);
std::vector<std::string> split_path(const std::string& path);
std::string join_path(const std::string& a, const std::string& b);

struct ResolvedPath {
  std::string path;  // real context path, "" for the root
  struct stat st;    // lstat of it
};

// Follows symlinks in every component (and in the last when follow_last),
// inside `root`. nullopt when a component does not exist or is not a
// directory; throws Error(Io) for other failures, Error(Invalid) on a loop.
std::optional<ResolvedPath> resolve_in_root(const std::string& root, const std::string& path, bool follow_last);

}  // namespace ocbuild::solver
