#pragma once
// frontend::plan(): a parsed Dockerfile (Ast) plus the build options in, a
// BuildPlan out: the stages, each with its base (scratch, an image or an
// earlier stage) and its steps with every word BuildKit expands already
// expanded (ARG/ENV scoped as BuildKit does), the state in effect at each step
// (env, ARGs, working dir, user, shell), the edges between stages and the
// stages kept for the target. The image config each stage produces by its
// meta instructions (ENV, LABEL, CMD...) is computed too. Nothing is run.
// Errors are Error(Parse/Invalid/NotFound) located at the instruction.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/image.h"
#include "ocbuild/frontend/ast.h"

namespace ocbuild::frontend {

// Answers "what is the config of this base image?". The solver implements it
// with the store and the registry; tests use a fake. nullopt = no such image.
class ImageResolver {
 public:
  virtual ~ImageResolver() = default;
  virtual std::optional<ImageConfig> resolve_config(const std::string& ref, const Platform& platform) = 0;
};

struct PlanOptions {
  std::map<std::string, std::string> build_args;  // --build-arg K=V
  std::optional<std::string> target;              // stage name (any case) or index; default: last
  std::optional<Platform> target_platform;        // default: the host
  std::optional<Platform> build_platform;         // default: the host
};

// The host platform (linux/amd64, linux/arm64/v8...).
Platform host_platform_spec();
// "linux/arm64/v8" <-> Platform. parse throws Error(Invalid) on "", "linux/".
std::string format_platform(const Platform& platform);
Platform parse_platform_spec(std::string_view text);

// Where an input comes from: an earlier stage (by index) or an image.
struct InputRef {
  std::optional<size_t> stage;
  std::string image;  // when stage is empty
  friend bool operator==(const InputRef&, const InputRef&) = default;
};

// The state in effect when a step starts.
struct StepState {
  std::vector<std::string> env;    // the image ENV, "KEY=value", in config order
  std::vector<KeyValue> args;      // stage ARGs that have a value, in declaration order
  std::string working_dir;         // absolute
  std::string user;
  std::vector<std::string> shell;  // for shell-form RUN/CMD/ENTRYPOINT
};

struct Step {
  std::string keyword;      // lower case: "run", "copy"...
  InstructionValue value;   // the typed instruction, words expanded where BuildKit expands
  SourceRange range;
  std::string original;     // the instruction as written
  StepState state;
  // RUN: the ARGs put in the process env (those not shadowed by an ENV of the
  // same name): exactly these enter the cache key and the history.
  std::vector<KeyValue> run_args;
  // RUN: proxy variables from --build-arg (both cases): in the env only,
  // never in the cache key or the history.
  std::vector<KeyValue> proxy_env;
  std::vector<std::optional<InputRef>> mount_from;  // RUN: one per mount
  std::optional<InputRef> from;                     // COPY --from
  std::optional<std::string> onbuild_trigger;       // inserted from the base image's ONBUILD

  // The full process environment of a RUN: env, run_args, proxy_env.
  std::vector<std::string> run_environment() const;
};

enum class BaseKind { kScratch, kImage, kStage };

struct Stage {
  size_t index = 0;
  std::optional<std::string> name;  // lower case
  BaseKind base_kind = BaseKind::kScratch;
  std::string base_image;            // kImage: the expanded reference
  std::optional<size_t> base_stage;  // kStage
  Platform platform;                 // FROM --platform, else the target platform
  SourceRange range;                 // the FROM line
  std::string original;
  bool kept = false;                 // needed for the target; only kept stages are planned
  std::optional<ImageConfig> base_config;  // kImage: as resolved
  std::vector<Step> steps;
  ImageConfig config;                // the config this stage produces (no rootfs/history)
};

enum class EdgeKind { kFrom, kCopyFrom, kMountFrom };

// `stage` depends on `input` (at `range`).
struct Edge {
  size_t stage = 0;
  InputRef input;
  EdgeKind kind = EdgeKind::kFrom;
  SourceRange range;
};

struct BuildPlan {
  std::vector<Stage> stages;   // every stage of the file, by index
  size_t target = 0;
  std::vector<size_t> kept;    // indexes of the kept stages, ascending
  std::vector<Edge> edges;     // of the kept stages
  std::vector<Warning> warnings;
  Platform target_platform;
  Platform build_platform;
  std::map<std::string, std::string> global_args;  // values after the build args
};

BuildPlan plan(const Ast& ast, const PlanOptions& options, ImageResolver& resolver);

// The default PATH of an image built FROM scratch (BuildKit's, on Linux).
inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const char* to_string(BaseKind kind);
const char* to_string(EdgeKind kind);

}  // namespace ocbuild::frontend
