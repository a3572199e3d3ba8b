#pragma once
// The inputs of `ocbuild build`, as docker reads them: CONTEXT is a
// directory, or "-" for stdin (a tar stream, plain/gzip/zstd, extracted by
// BuildContext::from_tar with the layer applier's rules; anything else on
// stdin is the Dockerfile itself and the context is empty). -f FILE names
// the Dockerfile (inside the tar for a stdin context), "-f -" reads it from
// stdin. Throws Error(Invalid) when both want stdin.
#include <optional>
#include <string>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/solver/build_context.h"

namespace ocbuild::cli {

struct BuildInput {
  std::optional<TempDir> scratch;  // holds whatever came from stdin
  std::string dockerfile;          // a readable file
  std::optional<solver::BuildContext> context;
};

BuildInput open_build_input(const std::string& context_arg, const std::string& file_arg,
                            const std::string& store_root, int stdin_fd);

}  // namespace ocbuild::cli
