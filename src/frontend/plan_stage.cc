// One stage: its starting config (scratch, base image or earlier stage), the
// variable scope (ARG/ENV) and the ARG, ENV and RUN lowerings.
#include "frontend/plan_internal.h"

namespace ocbuild::frontend::plan_detail {
namespace {

const std::vector<std::string> kDefaultShell = {"/bin/sh", "-c"};

ImageConfig initial_config(const PlanContext& ctx, const Stage& stage) {
  ImageConfig cfg;
  if (stage.base_kind == BaseKind::kStage) return ctx.plan.stages[*stage.base_stage].config;
  if (stage.base_kind == BaseKind::kImage) {
    cfg = *stage.base_config;
    cfg.rootfs = RootFs{};
    cfg.history.clear();
    cfg.config.on_build.clear();  // the triggers run once, here
    return cfg;
  }
  // BuildKit's emptyImage(): platform, default PATH, WorkingDir "/".
  cfg.architecture = stage.platform.architecture;
  cfg.os = stage.platform.os;
  cfg.variant = stage.platform.variant;
  cfg.config.env = {std::string("PATH=") + kDefaultPath};
  cfg.config.working_dir = "/";
  return cfg;
}

void plan_instruction(StageState& st, const Instruction& ins, bool trigger) {
  Step step;
  step.keyword = ins.node.command();
  step.value = ins.value;
  step.range = ins.node.range;
  step.original = ins.node.original;
  step.state = st.snapshot();
  if (trigger) step.onbuild_trigger = ins.node.original;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, ArgInstruction>) plan_arg(st, v, step);
        else if constexpr (std::is_same_v<T, EnvInstruction>) plan_env(st, v, step);
        else if constexpr (std::is_same_v<T, RunInstruction>) plan_run(st, v, step);
        else if constexpr (std::is_same_v<T, CopyInstruction>) plan_copy(st, v, step);
        else if constexpr (std::is_same_v<T, AddInstruction>) plan_add(st, v, step);
        else plan_meta(st, step);
      },
      ins.value);
  st.stage.steps.push_back(std::move(step));
}

void put_arg(std::vector<KeyValue>& args, const std::string& name, const std::string& value) {
  for (auto& kv : args)
    if (kv.key == name) {
      kv.value = value;
      return;
    }
  args.push_back({name, value});
}

}  // namespace

std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& kv : env)
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=')
      return kv.substr(key.size() + 1);
  return std::nullopt;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  for (auto& kv : env)
    if (kv.compare(0, key.size() + 1, key + "=") == 0) {
      kv = key + "=" + value;
      return;
    }
  env.push_back(key + "=" + value);
}

ShellEnv StageState::expansion_env() const {
  ShellEnv env;
  for (const auto& kv : args) env[kv.key] = kv.value;
  for (const auto& kv : stage.config.config.env) {
    size_t eq = kv.find('=');
    env[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  return env;
}

std::string StageState::expand(std::string_view word, const SourceRange& where) const {
  try {
    return ctx.lexer.process_word(word, expansion_env());
  } catch (const Error& e) {
    rethrow_at(e, where);
  }
}

std::vector<std::string> StageState::expand_words(std::string_view word, const SourceRange& where) const {
  try {
    return ctx.lexer.process_words(word, expansion_env());
  } catch (const Error& e) {
    rethrow_at(e, where);
  }
}

std::optional<std::string> StageState::expand_opt(const std::optional<std::string>& word,
                                                  const SourceRange& where) const {
  if (!word) return std::nullopt;
  return expand(*word, where);
}

std::string StageState::working_dir() const {
  const std::string& wd = stage.config.config.working_dir;
  return wd.empty() ? "/" : wd;
}

std::vector<std::string> StageState::shell() const {
  const auto& s = stage.config.config.shell;
  return s.empty() ? kDefaultShell : s;
}

StepState StageState::snapshot() const {
  return StepState{stage.config.config.env, args, working_dir(), stage.config.config.user, shell()};
}

void plan_stage(PlanContext& ctx, Stage& stage, const std::vector<Instruction>& triggers) {
  stage.config = initial_config(ctx, stage);
  StageState st{ctx, stage, {}, false};
  for (const auto& ins : triggers) plan_instruction(st, ins, true);
  for (const Instruction* ins : ctx.stage_instructions[stage.index]) plan_instruction(st, *ins, false);
}

// A default is expanded (with the scope before this line) only when no
// --build-arg gives the value; `ARG NAME` alone imports the global value.
void plan_arg(StageState& st, const ArgInstruction& arg, Step& step) {
  ArgInstruction out = arg;
  ShellEnv env = st.expansion_env();
  for (auto& def : out.args) {
    std::optional<std::string> value;
    auto given = st.ctx.options.build_args.find(def.name);
    if (given != st.ctx.options.build_args.end()) {
      st.ctx.consumed_args.insert(def.name);
      value = given->second;
    } else if (def.value) {
      try {
        value = st.ctx.lexer.process_word(*def.value, env);
      } catch (const Error& e) {
        rethrow_at(e, step.range);
      }
    } else if (auto g = st.ctx.global_args.find(def.name); g != st.ctx.global_args.end()) {
      value = g->second;
    }
    def.value = value;
    if (value) put_arg(st.args, def.name, *value);
  }
  step.value = std::move(out);
}

// All pairs are expanded with the scope before the line (`ENV a=1 b=$a` sees the old a).
void plan_env(StageState& st, const EnvInstruction& env, Step& step) {
  EnvInstruction out = env;
  for (auto& kv : out.vars) {
    kv.key = st.expand(kv.key, step.range);
    kv.value = st.expand(kv.value, step.range);
  }
  for (const auto& kv : out.vars) set_env(st.stage.config.config.env, kv.key, kv.value);
  step.value = std::move(out);
}

// The command is never expanded (the shell does it at run time).
void plan_run(StageState& st, const RunInstruction& run, Step& step) {
  RunInstruction out = run;
  const auto& env = st.stage.config.config.env;
  for (auto& m : out.mounts) {
    m.target = st.expand(m.target, step.range);
    m.source = st.expand(m.source, step.range);
    m.id = st.expand(m.id, step.range);
    if (m.from.empty()) {
      step.mount_from.push_back(std::nullopt);
    } else {
      step.mount_from.push_back(resolve_input(st.ctx, m.from, st.stage.index, step.range, "mount"));
    }
  }
  for (const auto& kv : st.args)
    if (!env_value(env, kv.key)) step.run_args.push_back(kv);
  const auto& given = st.ctx.options.build_args;
  auto declared = [&](const std::string& name) {
    for (const auto& kv : st.args)
      if (kv.key == name) return true;
    return env_value(env, name).has_value();
  };
  for (const char* upper : {"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"}) {
    std::string up = upper, low = up;
    for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto u = given.find(up), l = given.find(low);
    if (u == given.end() && l == given.end()) continue;
    if (!declared(up)) step.proxy_env.push_back({up, u != given.end() ? u->second : l->second});
    if (!declared(low)) step.proxy_env.push_back({low, l != given.end() ? l->second : u->second});
  }
  step.value = std::move(out);
}

}  // namespace ocbuild::frontend::plan_detail

namespace ocbuild::frontend {

std::vector<std::string> Step::run_environment() const {
  std::vector<std::string> env = state.env;
  for (const auto& kv : run_args) plan_detail::set_env(env, kv.key, kv.value);
  for (const auto& kv : proxy_env) plan_detail::set_env(env, kv.key, kv.value);
  return env;
}

}  // namespace ocbuild::frontend
