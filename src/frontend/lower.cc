// frontend::parse(): syntax nodes lowered into typed instructions.
#include <algorithm>
#include <map>

#include "frontend/flags.h"
#include "frontend/lower_families.h"
#include "frontend/text_util.h"
#include "ocbuild/frontend/ast.h"

namespace ocbuild::frontend {
namespace {

using LowerFn = InstructionValue (*)(const Node&);

const std::map<std::string, LowerFn>& lowerings() {
  static const std::map<std::string, LowerFn> table = {
      {"from", lower_from},       {"run", lower_run},          {"copy", lower_copy},
      {"add", lower_add},         {"healthcheck", lower_healthcheck}, {"onbuild", lower_onbuild},
      {"cmd", lower_meta},        {"entrypoint", lower_meta},  {"shell", lower_meta},
      {"env", lower_meta},        {"label", lower_meta},       {"arg", lower_meta},
      {"expose", lower_meta},     {"volume", lower_meta},      {"user", lower_meta},
      {"workdir", lower_meta},    {"stopsignal", lower_meta},  {"maintainer", lower_meta},
  };
  return table;
}

std::string line_of(std::string_view text, int line) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t pos = 0;
  for (int i = 1; i < line && pos != std::string_view::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos || pos > text.size()) return {};
  size_t end = text.find('\n', pos);
  std::string out(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out.size() > 200 ? out.substr(0, 200) : out;
}

}  // namespace

std::string upper_keyword(const Node& node) {
  std::string k = node.command();
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return k;
}

void require_no_flags(const Node& node) { ParsedFlags(node, {}); }

void require_at_least_one(const Node& node) {
  if (node.args.empty()) throw node_error(node, upper_keyword(node) + " requires at least one argument");
}

void require_exactly_one(const Node& node) {
  if (node.args.size() != 1) throw node_error(node, upper_keyword(node) + " requires exactly one argument");
}

InstructionValue lower(const Node& node) {
  const auto& table = lowerings();
  auto it = table.find(node.command());
  if (it == table.end()) {
    std::vector<std::string> names;
    for (const auto& [name, fn] : table) names.push_back(name);
    std::string msg = "unknown instruction: " + node.keyword;
    if (auto hint = closest(node.command(), names)) {
      std::string upper = *hint;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      msg += " (did you mean " + upper + "?)";
    }
    throw node_error(node, msg);
  }
  return it->second(node);
}

Ast parse(std::string_view text, std::string filename) {
  SyntaxTree tree = parse_syntax(text, filename);
  Ast ast;
  ast.filename = std::move(tree.filename);
  ast.directives = std::move(tree.directives);
  ast.escape = tree.escape;
  ast.warnings = std::move(tree.warnings);
  ast.instructions.reserve(tree.nodes.size());
  for (auto& node : tree.nodes) {
    try {
      InstructionValue value = lower(node);
      ast.instructions.push_back(Instruction{std::move(node), std::move(value)});
    } catch (Error& e) {
      if (!e.where()) e.at(node.range);
      e.add_context(std::to_string(e.where()->line) + " | " + line_of(text, e.where()->line));
      throw;
    }
  }
  return ast;
}

}  // namespace ocbuild::frontend
