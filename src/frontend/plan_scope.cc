// The global scope (predefined platform ARGs, TARGETSTAGE, ARGs before the
// first FROM), the target, references between stages and the base image's
// ONBUILD triggers.
#include <algorithm>

#include "frontend/plan_internal.h"

namespace ocbuild::frontend::plan_detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string stage_label(const Stage& s) { return s.name ? *s.name : std::to_string(s.index); }

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

void add_platform_args(PlanContext& ctx) {
  auto add = [&](const std::string& prefix, const Platform& p) {
    ctx.global_args[prefix + "PLATFORM"] = format_platform(p);
    ctx.global_args[prefix + "OS"] = p.os;
    ctx.global_args[prefix + "ARCH"] = p.architecture;
    ctx.global_args[prefix + "VARIANT"] = p.variant;
  };
  add("TARGET", ctx.plan.target_platform);
  add("BUILD", ctx.plan.build_platform);
  const Stage& target = ctx.plan.stages[ctx.plan.target];
  bool last_unnamed = !ctx.options.target && !target.name;
  ctx.global_args["TARGETSTAGE"] = last_unnamed ? "default" : stage_label(target);
}

}  // namespace

bool is_proxy_arg(std::string_view name) {
  static const char* kNames[] = {"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"};
  for (const char* n : kNames)
    if (name == n || name == lower(n)) return true;
  return false;
}

void rethrow_at(const Error& e, const SourceRange& where) {
  Error copy = e;
  if (!copy.where()) copy.at(where);
  throw copy;
}

// Global ARGs are expanded in order; a --build-arg replaces the default,
// which is then not evaluated at all (so ${X:?msg} does not fire).
void init_global_args(PlanContext& ctx, const std::vector<const Instruction*>& globals) {
  add_platform_args(ctx);
  for (const Instruction* ins : globals) {
    for (const auto& def : std::get<ArgInstruction>(ins->value).args) {
      auto given = ctx.options.build_args.find(def.name);
      if (given != ctx.options.build_args.end()) {
        ctx.consumed_args.insert(def.name);
        ctx.global_args[def.name] = given->second;
      } else if (def.value) {
        ShellEnv env;
        for (const auto& [k, v] : ctx.global_args)
          if (v) env[k] = *v;
        try {
          ctx.global_args[def.name] = ctx.lexer.process_word(*def.value, env);
        } catch (const Error& e) {
          rethrow_at(e, ins->node.range);
        }
      } else if (!ctx.global_args.count(def.name)) {
        ctx.global_args[def.name] = std::nullopt;
      }
    }
  }
}

size_t find_target(const std::vector<Stage>& stages, const std::optional<std::string>& target) {
  if (!target) return stages.size() - 1;
  std::string want = lower(*target);
  for (const auto& s : stages)
    if (s.name == want) return s.index;
  if (all_digits(want) && want.size() < 9 && std::stoul(want) < stages.size()) return std::stoul(want);
  std::string names, best;
  size_t best_distance = 3;  // suggest only close names
  for (const auto& s : stages) {
    names += (names.empty() ? "" : ", ") + stage_label(s);
    if (s.name && edit_distance(want, *s.name) < best_distance) {
      best_distance = edit_distance(want, *s.name);
      best = *s.name;
    }
  }
  std::string msg = "target stage \"" + *target + "\" could not be found";
  if (!best.empty()) msg += " (did you mean " + best + "?)";
  throw Error(ErrorCode::NotFound, msg + "; the stages are: " + names);
}

InputRef resolve_input(const PlanContext& ctx, std::string_view from, size_t current, const SourceRange& where,
                       std::string_view what) {
  const auto& stages = ctx.plan.stages;
  std::optional<size_t> found;
  std::string want = lower(from);
  if (all_digits(want)) {
    size_t n = want.size() < 9 ? std::stoul(want) : stages.size();
    if (n >= stages.size())
      throw Error(ErrorCode::Invalid, "invalid stage index " + want + " (the file has " +
                                          std::to_string(stages.size()) + " stages)", where);
    found = n;
  }
  for (const auto& s : stages)
    if (!found && s.name == want) found = s.index;
  if (!found) {
    if (what == "copy" && from.find('$') != std::string_view::npos)
      throw Error(ErrorCode::Invalid, "variable expansion is not supported for --from, define a new stage with "
                                      "FROM using ARG from global scope as a workaround", where);
    return InputRef{std::nullopt, std::string(from)};
  }
  if (*found == current)
    throw Error(ErrorCode::Invalid, "circular dependency detected on stage: " + stage_label(stages[current]), where);
  if (*found > current)
    throw Error(ErrorCode::Invalid, "cannot copy from stage \"" + std::string(from) + "\", it needs to be defined "
                                    "before current stage \"" + stage_label(stages[current]) + "\"", where);
  return InputRef{found, ""};
}

// Resolves the base image and parses its ONBUILD triggers; they run right
// after FROM and are not passed on (the stage's config has none left).
std::vector<Instruction> base_triggers(PlanContext& ctx, Stage& stage) {
  stage.base_config = ctx.resolver.resolve_config(stage.base_image, stage.platform);
  if (!stage.base_config)
    throw Error(ErrorCode::NotFound, "failed to resolve base image \"" + stage.base_image + "\" for " +
                                         format_platform(stage.platform) + ": not found", stage.range);
  std::vector<Instruction> out;
  for (const std::string& trigger : stage.base_config->config.on_build) {
    std::string context = "ONBUILD trigger \"" + trigger + "\" of image " + stage.base_image;
    Ast ast;
    try {
      ast = parse(trigger, ctx.ast.filename);
    } catch (const Error& e) {
      throw Error(ErrorCode::Parse, "invalid " + context + ": " + e.message(), stage.range);
    }
    for (auto& ins : ast.instructions) {
      std::string cmd = ins.node.command();
      if (cmd == "from" || cmd == "onbuild" || cmd == "maintainer")
        throw Error(ErrorCode::Parse, "invalid " + context + ": " + cmd + " isn't allowed as an ONBUILD trigger",
                    stage.range);
      ins.node.range = stage.range;
      ins.node.original = trigger;
      out.push_back(std::move(ins));
    }
  }
  return out;
}

}  // namespace ocbuild::frontend::plan_detail
