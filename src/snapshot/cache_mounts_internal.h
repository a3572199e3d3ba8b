#pragma once
// Shared by cache_mounts.cc (acquire) and cache_usage.cc (list, prune).
#include <cstdint>
#include <string>

namespace ocbuild::snapshot {

inline constexpr const char* kCacheMetaFormat = "ocbuild-cache-mount 1";

// Removes a tree as container root (files of subordinate ids), never throwing
// for the tree itself; throws Error(Sys) when the helper cannot run.
void remove_as_container_root(const std::string& path);

// Bytes allocated (st_blocks * 512) by the tree at `path`, read as
// container root; 0 when it does not exist.
uint64_t tree_usage(const std::string& path);

}  // namespace ocbuild::snapshot
