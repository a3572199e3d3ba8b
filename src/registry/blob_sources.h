#pragma once
// Which registry repository each pulled blob came from, so that a push to
// another repository on the same registry can mount it instead of uploading.
// Kept in ROOT/registry-sources.json beside the content store (format below,
// in blob_sources.cc); a missing or unreadable file just means "no hints".
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::registry {

// Records `domain/repository` as a source of each digest (atomic rewrite
// under ROOT/registry-sources.lock). Throws Error(Io) when it cannot write.
void record_blob_sources(const std::string& store_root, const std::string& domain, const std::string& repository,
                         const std::vector<Digest>& digests);
// A repository on `domain` other than `except_repository` known to hold the
// blob; nullopt when none is known.
std::optional<std::string> find_blob_source(const std::string& store_root, const Digest& digest,
                                            const std::string& domain, const std::string& except_repository);

}  // namespace ocbuild::registry
