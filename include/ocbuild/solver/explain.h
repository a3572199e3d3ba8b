#pragma once
// Why a step missed: compares the fields (and per-file digests) of a step's
// key with the ones recorded for the same step by the previous build, and
// says what changed in words ("ARG VERSION changed from 1 to 2",
// "file src/main.c changed", "base image digest changed").
#include <string>
#include <vector>

#include "ocbuild/solver/cache_key.h"

namespace ocbuild::solver {

// Lines naming each difference; empty when the field lists are identical.
std::vector<std::string> explain_miss(const std::vector<KeyField>& previous_fields,
                                      const std::vector<FileDigest>& previous_files,
                                      const CacheKey& current);

}  // namespace ocbuild::solver
