#pragma once
// Runs tests/tools/validate_oci.py (OCI JSON schemas + validator.go checks).
#include <optional>
#include <string>
#include <vector>

#include "support/test_env.h"

namespace ocbuild::testing {

// The schema folder, or nullopt when the corpus or python3-jsonschema is
// missing (callers GTEST_SKIP()).
std::optional<std::string> oci_schema_dir();

// `validate_oci.py check KIND FILES...`: status 0 when all are valid.
CommandResult validate_oci(const std::string& kind, const std::vector<std::string>& files);

// Validates every document of an OCI layout directory: oci-layout, index.json
// and each manifest/index/config reachable from it. Returns "" when all are
// valid, else the validator's messages.
std::string validate_oci_layout(const std::string& dir);

}  // namespace ocbuild::testing
