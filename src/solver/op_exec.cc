// RUN: a snapshot on the stage's layers, the command in the executor's
// sandbox with the step's env/user/workdir, the changes committed as a layer.
#include <chrono>

#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

std::pair<std::string, std::string> split_env(const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos) return {kv, ""};
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

std::vector<std::string> run_argv(const frontend::Step& step) {
  const auto& run = std::get<frontend::RunInstruction>(step.value);
  if (run.json) return run.command;
  std::string command;
  for (const auto& w : run.command) command += (command.empty() ? "" : " ") + w;
  return snapshot::shell_argv(step.state.shell, command);
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// BuildKit's history text: "RUN |2 A=1 B=2 /bin/sh -c make # buildkit".
std::string created_by(const frontend::Step& step, const std::vector<std::string>& argv) {
  std::string text = "RUN ";
  if (!step.run_args.empty()) {
    text += "|" + std::to_string(step.run_args.size());
    for (const auto& a : step.run_args) text += " " + a.key + "=" + a.value;
    text += " ";
  }
  return text + join(argv) + " # buildkit";
}

CacheKey key_for(const frontend::Step& step, const StageState& state, const std::vector<std::string>& argv) {
  ExecKeyInput in;
  in.parent = state.key;
  in.command = argv;
  for (const auto& e : step.state.env) in.env.push_back(split_env(e));
  for (const auto& a : step.run_args) in.args.emplace_back(a.key, a.value);
  in.user = step.state.user;
  in.workdir = step.state.working_dir;
  const auto& run = std::get<frontend::RunInstruction>(step.value);
  if (run.network == frontend::NetworkMode::kNone) in.network = "none";
  if (run.network == frontend::NetworkMode::kHost) in.network = "host";
  return exec_key(in);
}

Error failure(const frontend::Step& step, const snapshot::RunResult& r) {
  std::string what = r.cancelled ? "was cancelled"
                     : r.signal  ? "was killed by signal " + std::to_string(r.signal)
                                 : "exited with code " + std::to_string(r.exit_code);
  Error e(ErrorCode::Invalid, step.original + " " + what, step.range);
  for (const auto& line : r.tail) e.add_context("  " + line);
  return e;
}

exporter::Layer run_step(OpContext& ctx, int step, const frontend::Step& s, const StageState& state,
                         const std::vector<std::string>& argv) {
  snapshot::ActiveSnapshot active = ctx.snapshots.prepare(state.layers);
  snapshot::RunSpec spec;
  spec.root = active.root();
  spec.argv = argv;
  spec.env = s.run_environment();
  spec.cwd = s.state.working_dir.empty() ? "/" : s.state.working_dir;
  spec.user = s.state.user;
  const auto& run = std::get<frontend::RunInstruction>(s.value);
  if (run.network == frontend::NetworkMode::kNone) spec.network = snapshot::NetworkMode::None;
  if (run.network == frontend::NetworkMode::kHost) spec.network = snapshot::NetworkMode::Host;
  spec.on_output = [&ctx, step](std::string_view line, bool) { ctx.progress.step_output(step, line); };
  spec.on_warning = [&ctx, &s](std::string_view m) { ctx.progress.warning(std::string(m), s.range); };
  snapshot::RunResult result = ctx.executor.run(spec, ctx.stop);
  if (!result.ok()) throw failure(s, result);
  active.record(result);
  return ctx.snapshots.commit(active, ctx.layer_options()).layer;
}

}  // namespace

void solve_exec(OpContext& ctx, const frontend::Stage& stage, const frontend::Step& s, size_t position,
                StageState& state) {
  const auto& run = std::get<frontend::RunInstruction>(s.value);
  // The RUN --mount wiring lands with the executor's mount support.
  if (!run.mounts.empty()) throw Error(ErrorCode::Invalid, "RUN --mount is not supported yet", s.range);
  if (!run.heredocs.empty()) throw Error(ErrorCode::Invalid, "RUN with a heredoc is not supported yet", s.range);
  std::vector<std::string> argv = run_argv(s);
  int step = ctx.next_step++;
  ctx.progress.step_started(step, step_name(stage, position, "RUN " + join(run.command)));
  CacheKey key = key_for(s, state, argv);
  if (reuse_cached(ctx, step, key, state)) {
    add_history(state, created_by(s, argv), false);
    return;
  }
  auto start = std::chrono::steady_clock::now();
  try {
    exporter::Layer layer = run_step(ctx, step, s, state, argv);
    record_result(ctx, key, layer, state);
    add_history(state, created_by(s, argv), false);
  } catch (Error& e) {
    ctx.progress.step_failed(step, e.message());
    if (!e.where()) e.at(s.range);
    throw;
  }
  ctx.progress.step_finished(step, std::chrono::steady_clock::now() - start);
}

}  // namespace ocbuild::solver
