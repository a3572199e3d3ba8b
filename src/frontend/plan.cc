// plan(): splits the file into global ARGs and stages, expands the FROM lines
// with the global ARGs, picks the target, walks back from it to find the kept
// stages (resolving their base images on the way, since ONBUILD triggers add
// edges), then plans the kept stages in file order.
#include <algorithm>

#include "frontend/plan_internal.h"

namespace ocbuild::frontend {
namespace plan_detail {
void init_global_args(PlanContext& ctx, const std::vector<const Instruction*>& globals);
std::vector<Instruction> base_triggers(PlanContext& ctx, Stage& stage);
size_t find_target(const std::vector<Stage>& stages, const std::optional<std::string>& target);
}  // namespace plan_detail

namespace {
using namespace plan_detail;

bool is_from(const Instruction& ins) { return std::holds_alternative<FromInstruction>(ins.value); }

// Global ARGs before the first FROM; one instruction list per stage.
std::vector<const Instruction*> split_stages(PlanContext& ctx) {
  std::vector<const Instruction*> globals;
  for (const auto& ins : ctx.ast.instructions) {
    if (is_from(ins)) {
      ctx.stage_instructions.emplace_back();
    } else if (!ctx.stage_instructions.empty()) {
      ctx.stage_instructions.back().push_back(&ins);
    } else if (std::holds_alternative<ArgInstruction>(ins.value)) {
      globals.push_back(&ins);
    } else {
      throw Error(ErrorCode::Parse, "no build stage in current context: " + ins.node.command() +
                                        " must come after a FROM (only ARG may precede the first FROM)",
                  ins.node.range);
    }
  }
  if (ctx.stage_instructions.empty()) {
    SourceRange where{ctx.ast.filename, 1, 0, 0, 0};
    throw Error(ErrorCode::Invalid, "dockerfile contains no stages to build", where);
  }
  return globals;
}

ShellEnv global_env(const PlanContext& ctx) {
  ShellEnv env;
  for (const auto& [k, v] : ctx.global_args)
    if (v) env[k] = *v;
  return env;
}

// The FROM line of every stage: name, base and platform (expanded with the global ARGs).
void read_from_lines(PlanContext& ctx) {
  std::vector<Stage>& stages = ctx.plan.stages;
  for (const auto& ins : ctx.ast.instructions) {
    if (!is_from(ins)) continue;
    const auto& from = std::get<FromInstruction>(ins.value);
    Stage s;
    s.index = stages.size();
    s.name = from.stage_name;
    s.range = ins.node.range;
    s.original = ins.node.original;
    for (const auto& prev : stages)
      if (s.name && prev.name == s.name)
        throw Error(ErrorCode::Invalid, "duplicate stage name \"" + *s.name + "\" (first defined at line " +
                                            std::to_string(prev.range.line) + ")",
                    s.range);
    stages.push_back(std::move(s));
  }
}

void set_base(PlanContext& ctx, Stage& s, const FromInstruction& from) {
  ShellEnv env = global_env(ctx);
  std::string image;
  try {
    image = ctx.lexer.process_word(from.image, env);
    s.platform = ctx.plan.target_platform;
    if (from.platform) s.platform = parse_platform_spec(ctx.lexer.process_word(*from.platform, env));
  } catch (const Error& e) {
    rethrow_at(e, s.range);
  }
  if (image.empty())
    throw Error(ErrorCode::Invalid, "base name (" + from.image + ") should not be blank", s.range);
  std::string lower = image;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (size_t i = 0; i < s.index; ++i) {
    if (ctx.plan.stages[i].name == lower) {
      s.base_kind = BaseKind::kStage;
      s.base_stage = i;
      return;
    }
  }
  if (image == "scratch") return;
  s.base_kind = BaseKind::kImage;
  s.base_image = image;
}

void add_edge(PlanContext& ctx, size_t stage, InputRef input, EdgeKind kind, const SourceRange& where) {
  if (input.stage) ctx.plan.stages[*input.stage].kept = true;
  ctx.plan.edges.push_back({stage, std::move(input), kind, where});
}

// The edges of one stage's instructions (--from and mount from= are not expanded).
void collect_edges(PlanContext& ctx, size_t index, const std::vector<const Instruction*>& list) {
  for (const Instruction* ins : list) {
    const SourceRange& where = ins->node.range;
    if (const auto* copy = std::get_if<CopyInstruction>(&ins->value); copy && copy->from) {
      add_edge(ctx, index, resolve_input(ctx, *copy->from, index, where, "copy"), EdgeKind::kCopyFrom, where);
    } else if (const auto* run = std::get_if<RunInstruction>(&ins->value)) {
      for (const auto& m : run->mounts)
        if (!m.from.empty())
          add_edge(ctx, index, resolve_input(ctx, m.from, index, where, "mount"), EdgeKind::kMountFrom, where);
    }
  }
}

// Walks back from the target: every kept stage marks what it needs.
std::map<size_t, std::vector<Instruction>> mark_kept(PlanContext& ctx) {
  std::map<size_t, std::vector<Instruction>> triggers;
  auto& stages = ctx.plan.stages;
  stages[ctx.plan.target].kept = true;
  for (size_t i = ctx.plan.target + 1; i-- > 0;) {
    Stage& s = stages[i];
    if (!s.kept) continue;
    if (s.base_stage) add_edge(ctx, i, InputRef{s.base_stage, ""}, EdgeKind::kFrom, s.range);
    if (s.base_kind == BaseKind::kImage) {
      add_edge(ctx, i, InputRef{std::nullopt, s.base_image}, EdgeKind::kFrom, s.range);
      triggers[i] = base_triggers(ctx, s);
      std::vector<const Instruction*> ptrs;
      for (const auto& t : triggers[i]) ptrs.push_back(&t);
      collect_edges(ctx, i, ptrs);
    }
    collect_edges(ctx, i, ctx.stage_instructions[i]);
  }
  std::sort(ctx.plan.edges.begin(), ctx.plan.edges.end(),
            [](const Edge& a, const Edge& b) { return a.stage < b.stage; });
  return triggers;
}

void warn_unused_build_args(PlanContext& ctx) {
  std::string unused;
  for (const auto& [k, v] : ctx.options.build_args) {
    if (ctx.consumed_args.count(k) || is_proxy_arg(k)) continue;
    unused += (unused.empty() ? "" : ", ") + k;
  }
  if (unused.empty()) return;
  Warning w;
  w.message = "one or more build-args [" + unused + "] were not consumed";
  w.detail = unused;
  w.range.file = ctx.ast.filename;
  ctx.plan.warnings.push_back(std::move(w));
}

}  // namespace

BuildPlan plan(const Ast& ast, const PlanOptions& options, ImageResolver& resolver) {
  BuildPlan result;
  result.target_platform = options.target_platform.value_or(host_platform_spec());
  result.build_platform = options.build_platform.value_or(host_platform_spec());
  PlanContext ctx{ast, options, resolver, result, ShellLexer(static_cast<char32_t>(ast.escape)), {}, {}, {}};
  std::vector<const Instruction*> globals = split_stages(ctx);
  read_from_lines(ctx);
  result.target = find_target(result.stages, options.target);
  init_global_args(ctx, globals);
  size_t from_index = 0;
  for (const auto& ins : ast.instructions)
    if (is_from(ins)) set_base(ctx, result.stages[from_index++], std::get<FromInstruction>(ins.value));
  std::map<size_t, std::vector<Instruction>> triggers = mark_kept(ctx);
  for (auto& s : result.stages) {
    if (!s.kept) continue;
    result.kept.push_back(s.index);
    plan_stage(ctx, s, triggers[s.index]);
  }
  warn_unused_build_args(ctx);
  for (const auto& [k, v] : ctx.global_args)
    if (v) result.global_args[k] = *v;
  return result;
}

const char* to_string(BaseKind kind) {
  switch (kind) {
    case BaseKind::kScratch: return "scratch";
    case BaseKind::kImage: return "image";
    case BaseKind::kStage: return "stage";
  }
  return "?";
}

const char* to_string(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kFrom: return "from";
    case EdgeKind::kCopyFrom: return "copy-from";
    case EdgeKind::kMountFrom: return "mount-from";
  }
  return "?";
}

}  // namespace ocbuild::frontend
