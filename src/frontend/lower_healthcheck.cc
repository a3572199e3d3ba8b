// HEALTHCHECK and ONBUILD.
#include "frontend/flags.h"
#include "frontend/lower_families.h"
#include "ocbuild/frontend/ast.h"

namespace ocbuild::frontend {
namespace {

std::optional<int64_t> duration_flag(const Node& node, const ParsedFlags& flags, const std::string& name) {
  auto v = flags.string(name);
  if (!v) return std::nullopt;
  int64_t ns = 0;
  try {
    ns = parse_go_duration(*v);
  } catch (const Error& e) {
    throw node_error(node, "--" + name + ": " + e.message(), "--" + name);
  }
  if (ns < 0) throw node_error(node, "--" + name + " cannot be negative (" + *v + ")", "--" + name);
  if (ns != 0 && ns < 1000000) throw node_error(node, "--" + name + " cannot be less than 1ms (" + *v + ")", "--" + name);
  return ns;
}

}  // namespace

InstructionValue lower_healthcheck(const Node& node) {
  ParsedFlags flags(node, {{"interval", FlagKind::kString}, {"timeout", FlagKind::kString},
                           {"start-period", FlagKind::kString}, {"start-interval", FlagKind::kString},
                           {"retries", FlagKind::kString}});
  require_at_least_one(node);
  HealthcheckInstruction hc;
  std::string type = node.args[0];
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (type == "NONE") {
    if (node.args.size() > 1) throw node_error(node, "HEALTHCHECK NONE takes no arguments");
    hc.test = {"NONE"};
    return hc;
  }
  if (type != "CMD") throw node_error(node, "unknown type \"" + node.args[0] + "\" in HEALTHCHECK (try CMD)", node.args[0]);
  if (node.args.size() < 2) throw node_error(node, "missing command after HEALTHCHECK CMD");
  if (node.json) {
    hc.test = {"CMD"};
    hc.test.insert(hc.test.end(), node.args.begin() + 1, node.args.end());
  } else {
    hc.test = {"CMD-SHELL", node.args[1]};
  }
  hc.interval_ns = duration_flag(node, flags, "interval");
  hc.timeout_ns = duration_flag(node, flags, "timeout");
  hc.start_period_ns = duration_flag(node, flags, "start-period");
  hc.start_interval_ns = duration_flag(node, flags, "start-interval");
  if (auto r = flags.string("retries")) {
    size_t used = 0;
    long v = -1;
    try {
      v = std::stol(*r, &used);
    } catch (...) {
      used = 0;
    }
    if (used != r->size() || used == 0) throw node_error(node, "--retries: invalid number \"" + *r + "\"", "--retries");
    if (v < 0) throw node_error(node, "--retries cannot be negative (" + *r + ")", "--retries");
    if (v > 1000000000) throw node_error(node, "--retries is too large (" + *r + ")", "--retries");
    hc.retries = static_cast<int>(v);
  }
  return hc;
}

InstructionValue lower_onbuild(const Node& node) {
  require_no_flags(node);
  if (node.inner.empty()) throw node_error(node, "ONBUILD requires at least one argument");
  const Node& inner = node.inner.front();
  std::string k = upper_keyword(inner);
  if (k == "ONBUILD") throw node_error(node, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", inner.keyword);
  if (k == "FROM" || k == "MAINTAINER")
    throw node_error(node, k + " isn't allowed as an ONBUILD trigger", inner.keyword);
  Node located = inner;
  located.range = node.range;
  lower(located);  // the trigger must itself be a valid instruction
  // As BuildKit stores it: heredoc bodies and terminators follow the line.
  std::string expression = inner.original;
  for (const auto& h : node.heredocs) expression += "\n" + h.content + h.name;
  return OnbuildInstruction{expression};
}

}  // namespace ocbuild::frontend
