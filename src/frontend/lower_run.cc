// FROM and RUN.
#include "frontend/flags.h"
#include "frontend/lower_families.h"
#include "frontend/text_util.h"

namespace ocbuild::frontend {
namespace {

bool valid_stage_name(const std::string& name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

NetworkMode parse_network(const Node& node, const std::string& v) {
  if (v == "default") return NetworkMode::kDefault;
  if (v == "none") return NetworkMode::kNone;
  if (v == "host") return NetworkMode::kHost;
  throw node_error(node, "unsupported network mode \"" + v + "\" (expected default, none or host)", "--network");
}

SecurityMode parse_security(const Node& node, const std::string& v) {
  if (v == "sandbox") return SecurityMode::kSandbox;
  if (v == "insecure") return SecurityMode::kInsecure;
  throw node_error(node, "unsupported security mode \"" + v + "\" (expected sandbox or insecure)", "--security");
}

}  // namespace

InstructionValue lower_from(const Node& node) {
  ParsedFlags flags(node, {{"platform", FlagKind::kString}});
  const auto& a = node.args;
  if (a.size() != 1 && a.size() != 3) throw node_error(node, "FROM requires either one or three arguments");
  FromInstruction from;
  from.image = a[0];
  from.platform = flags.string("platform");
  if (a.size() == 3) {
    if (detail::to_lower(a[1]) != "as")
      throw node_error(node, "FROM with three arguments needs AS as the second, not \"" + a[1] + "\"", a[1]);
    std::string name = detail::to_lower(a[2]);
    if (!valid_stage_name(name))
      throw node_error(node, "invalid name for build stage: \"" + a[2] +
                                 "\", name can't start with a number or contain symbols", a[2]);
    from.stage_name = name;
  }
  return from;
}

InstructionValue lower_run(const Node& node) {
  ParsedFlags flags(node, {{"mount", FlagKind::kList}, {"network", FlagKind::kString},
                           {"security", FlagKind::kString}});
  RunInstruction run;
  if (node.args.empty() && node.heredocs.empty()) throw node_error(node, "RUN requires at least one argument");
  run.command = node.args;
  run.json = node.json;
  run.heredocs = node.heredocs;
  for (const auto& m : flags.list("mount")) {
    try {
      run.mounts.push_back(parse_mount(m));
    } catch (const Error& e) {
      throw node_error(node, "--mount=" + m + ": " + e.message(), "--mount");
    }
  }
  if (auto n = flags.string("network")) run.network = parse_network(node, *n);
  if (auto s = flags.string("security")) run.security = parse_security(node, *s);
  return run;
}

}  // namespace ocbuild::frontend
