#pragma once
// Shared by the build-plan files (plan*.cc): the planning context, the
// variable scope of one stage and the per-family lowerings of instructions
// into steps. Not a public header.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/frontend/build_plan.h"
#include "ocbuild/frontend/shell_lexer.h"

namespace ocbuild::frontend::plan_detail {

// HTTP_PROXY, http_proxy, NO_PROXY... (usable in RUN without an ARG).
bool is_proxy_arg(std::string_view name);

// "KEY=value" lists (image ENV).
std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view key);
void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value);

// Re-throws an expansion error located at `where`.
[[noreturn]] void rethrow_at(const Error& e, const SourceRange& where);

// Everything shared while planning one Dockerfile.
struct PlanContext {
  const Ast& ast;
  const PlanOptions& options;
  ImageResolver& resolver;
  BuildPlan& plan;
  ShellLexer lexer;
  std::map<std::string, std::optional<std::string>> global_args;  // nullopt: declared, unset
  std::set<std::string> consumed_args;                            // build-args some ARG declares
  std::vector<std::vector<const Instruction*>> stage_instructions;
};

// A `--from` / `mount from=` value seen in stage `current`: an earlier stage
// (name, any case, or index) or else an image. Throws for a later stage, the
// stage itself or an index past the end.
InputRef resolve_input(const PlanContext& ctx, std::string_view from, size_t current,
                       const SourceRange& where, std::string_view what);

// The mutable state of one stage while its steps are planned.
struct StageState {
  PlanContext& ctx;
  Stage& stage;
  std::vector<KeyValue> args;  // ARGs with a value, declaration order
  bool cmd_set = false;        // CMD given in this stage (ENTRYPOINT keeps it)

  ShellEnv expansion_env() const;  // ARGs, then ENV over them
  std::string expand(std::string_view word, const SourceRange& where) const;
  std::vector<std::string> expand_words(std::string_view word, const SourceRange& where) const;
  std::optional<std::string> expand_opt(const std::optional<std::string>& word, const SourceRange& where) const;
  std::string working_dir() const;               // "/" when the config has none
  std::vector<std::string> shell() const;        // the config's, else /bin/sh -c
  StepState snapshot() const;
};

// Lower one instruction into `step` (value, state already set), updating the
// stage state. One function per family.
void plan_arg(StageState& st, const ArgInstruction& arg, Step& step);
void plan_env(StageState& st, const EnvInstruction& env, Step& step);
void plan_run(StageState& st, const RunInstruction& run, Step& step);
void plan_copy(StageState& st, const CopyInstruction& copy, Step& step);
void plan_add(StageState& st, const AddInstruction& add, Step& step);
void plan_meta(StageState& st, Step& step);  // every other instruction

// Plans the kept stage `stage` (its base already set): the triggers of its
// base image first, then its own instructions.
void plan_stage(PlanContext& ctx, Stage& stage, const std::vector<Instruction>& triggers);

}  // namespace ocbuild::frontend::plan_detail
