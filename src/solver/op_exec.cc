// RUN: a snapshot on the stage's layers, the command in the executor's
// sandbox with the step's env/user/workdir, the changes committed as a layer.
#include <sys/stat.h>

#include <cerrno>
#include <chrono>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/frontend/line_parsers.h"

#include "solver/exec_mounts.h"
#include "solver/solve_ops.h"

namespace ocbuild::solver {
namespace {

std::pair<std::string, std::string> split_env(const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos) return {kv, ""};
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

std::string join(const std::vector<std::string>& words);

// A RUN with heredocs, as BuildKit runs it: a lone heredoc with a shebang is
// a script file mounted at /dev/pipes/<name> and run; a lone heredoc without
// one is the shell's command string; anything else goes to the shell whole,
// bodies appended, for the shell to read its heredocs itself.
struct RunCommand {
  std::vector<std::string> argv;
  std::optional<std::pair<std::string, std::string>> script;  // name, body
};

RunCommand run_command(const frontend::Step& step) {
  const auto& run = std::get<frontend::RunInstruction>(step.value);
  if (run.json) return {run.command, std::nullopt};
  std::string command = join(run.command);
  if (run.heredocs.empty()) return {snapshot::shell_argv(step.state.shell, command), std::nullopt};
  if (frontend::parse_heredoc_word(command)) {
    const auto& h = run.heredocs.front();
    std::string body = h.chomp ? frontend::chomp_heredoc_content(h.content) : h.content;
    if (body.starts_with("#!")) return {{"/dev/pipes/" + h.name}, std::make_pair(h.name, body)};
    return {snapshot::shell_argv(step.state.shell, body), std::nullopt};
  }
  for (const auto& h : run.heredocs) command += "\n" + h.content + h.name;
  return {snapshot::shell_argv(step.state.shell, command), std::nullopt};
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

CacheKey key_for(OpContext& ctx, const frontend::Step& step, const StageState& state, const RunCommand& command,
                 ExecMounts& mounts) {
  ExecKeyInput in;
  in.parent = state.key;
  in.command = command.argv;
  if (command.script) {
    Hasher h;
    h.update(command.script->second);
    in.mounts.push_back({"heredoc", "/dev/pipes/" + command.script->first, "", "", "", h.finish().str()});
  }
  for (const auto& e : step.state.env) in.env.push_back(split_env(e));
  for (const auto& a : step.run_args) in.args.emplace_back(a.key, a.value);
  in.user = step.state.user;
  in.workdir = step.state.working_dir;
  const auto& run = std::get<frontend::RunInstruction>(step.value);
  if (run.network == frontend::NetworkMode::kNone) in.network = "none";
  if (run.network == frontend::NetworkMode::kHost) in.network = "host";
  add_mounts_to_key(ctx, step, in, mounts);
  return exec_key(in);
}

// "RUN make exited with code 2 (process "/bin/sh -c make" did not complete
// successfully)": ours, then BuildKit's wording, then the last output lines.
Error failure(const frontend::Step& step, const snapshot::RunResult& r, const std::vector<std::string>& argv) {
  std::string what = r.cancelled ? "was cancelled"
                     : r.signal  ? "was killed by signal " + std::to_string(r.signal)
                                 : "exited with code " + std::to_string(r.exit_code);
  Error e(ErrorCode::Invalid,
          step.original + " " + what + " (process \"" + join(argv) + "\" did not complete successfully)",
          step.range);
  for (const auto& line : r.tail) e.add_context("  " + line);
  return e;
}

exporter::Layer run_step(OpContext& ctx, int step, const frontend::Step& s, const StageState& state,
                         const RunCommand& command, ExecMounts& mounts) {
  snapshot::ActiveSnapshot active = ctx.snapshots.prepare(state.layers);
  snapshot::RunSpec spec;
  spec.root = active.root();
  spec.argv = command.argv;
  std::optional<TempDir> pipes;
  if (command.script) {
    pipes.emplace("pipes-", ctx.store.root());
    std::string path = pipes->path() + "/" + command.script->first;
    write_file_atomic(path, command.script->second);
    if (::chmod(path.c_str(), 0755) != 0) throw Error::io("chmod " + path, errno);
    ::chmod(pipes->path().c_str(), 0755);
    spec.mounts.push_back({snapshot::MountSpec::Type::Bind, pipes->path(), "/dev/pipes", true, ""});
  }
  spec.env = s.run_environment();
  spec.cwd = s.state.working_dir.empty() ? "/" : s.state.working_dir;
  spec.user = s.state.user;
  const auto& run = std::get<frontend::RunInstruction>(s.value);
  if (run.network == frontend::NetworkMode::kNone) spec.network = snapshot::NetworkMode::None;
  if (run.network == frontend::NetworkMode::kHost) spec.network = snapshot::NetworkMode::Host;
  resolve_mounts(ctx, s, spec, mounts);
  spec.on_output = [&ctx, step](std::string_view line, bool) { ctx.progress.step_output(step, line); };
  spec.on_warning = [&ctx, &s](std::string_view m) { ctx.progress.warning(std::string(m), s.range); };
  snapshot::RunResult result = ctx.executor.run(spec, ctx.stop);
  if (!result.ok()) throw failure(s, result, command.argv);
  active.record(result);
  return ctx.snapshots.commit(active, ctx.layer_options()).layer;
}

}  // namespace

void solve_exec(OpContext& ctx, const frontend::Stage& stage, const frontend::Step& s, size_t position,
                StageState& state) {
  const auto& run = std::get<frontend::RunInstruction>(s.value);
  RunCommand command = run_command(s);
  const std::vector<std::string>& argv = command.argv;
  StepId id = start_step(ctx, stage, position, "RUN " + join(run.command));
  int step = id.step;
  auto start = std::chrono::steady_clock::now();
  try {
    ExecMounts mounts;
    CacheKey key = key_for(ctx, s, state, command, mounts);
    if (reuse_cached(ctx, id, key, state)) {
      add_history(state, created_by(s, argv), false);
      return;
    }
    exporter::Layer layer = run_step(ctx, step, s, state, command, mounts);
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
