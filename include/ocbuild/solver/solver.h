#pragma once
// solver::Solver: a frontend::BuildPlan in, an image (config + manifest in
// the ContentStore) out. The kept stages are solved as Scheduler jobs, each
// once the stages it uses are done (independent ones in parallel); each step gets a
// cache key (parent key + its fields), a hit in the CacheStore reuses the
// stored layer without running, a miss runs the op: FROM (op_source), RUN
// (op_exec), COPY/ADD (op_file) or a config-only instruction (op_meta).
// Progress goes to the ProgressSink. Throws ocbuild::Error located at the
// failing instruction; nothing is tagged by the solver (the caller tags).
#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/descriptor.h"
#include "ocbuild/export/blob_writer.h"
#include "ocbuild/frontend/build_plan.h"
#include "ocbuild/snapshot/secrets.h"
#include "ocbuild/snapshot/snapshot_store.h"
#include "ocbuild/solver/build_context.h"
#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/progress.h"

namespace ocbuild::solver {

struct SolveOptions {
  bool no_cache = false;                    // run every step (results are still stored)
  std::vector<std::string> no_cache_filter; // run every step of these stages (name or index)
  // When set, each missed step is explained against the previous build with
  // this id, and this build's steps are saved as its last build on success.
  std::optional<BuildId> build_id;
  std::optional<int64_t> source_date_epoch; // clamps mtimes; the image's created time
  snapshot::Driver driver = snapshot::Driver::Auto;
  exporter::CompressionOptions compression;
  std::map<std::string, std::string> labels;  // --label: set on the final image's config
  snapshot::SecretMap secrets;  // --secret: for RUN --mount=type=secret
  snapshot::SshMap ssh;         // --ssh: for RUN --mount=type=ssh
  size_t jobs = 0;              // --jobs: stages at once (0: the number of cores)
};

// One step that had a progress entry (FROM an image, RUN, COPY, ADD).
struct StepReport {
  std::string name;    // "[build 2/4] RUN make"
  bool cached = false;
  std::string reason;  // why it ran ("file app/main.c changed"); empty when cached
};

struct SolveResult {
  Descriptor manifest;       // the target stage's image manifest, in the store
  std::string config_bytes;  // its config, as stored
  std::vector<StepReport> steps;  // in progress order (step number)
};

// One build. Not thread safe; the references must outlive it.
class Solver {
 public:
  Solver(ContentStore& store, CacheStore& cache, BuildContext& context, ProgressSink& progress,
         SolveOptions options);
  SolveResult solve(const frontend::BuildPlan& plan, std::stop_token stop = {});

 private:
  ContentStore& store_;
  CacheStore& cache_;
  BuildContext& context_;
  ProgressSink& progress_;
  SolveOptions options_;
};

}  // namespace ocbuild::solver
