// Per-keyword argument rules of the syntax tree (see parser/README.md, table
// "Arguments for each instruction kind").
#include "frontend/node_builder.h"

#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

enum class ArgRule { kMaybeJson, kMaybeJsonList, kWhitespace, kString, kNameValue, kWords, kHealth, kOnbuild, kIgnore };

ArgRule rule_for(const std::string& cmd) {
  if (cmd == "run" || cmd == "cmd" || cmd == "entrypoint" || cmd == "shell") return ArgRule::kMaybeJson;
  if (cmd == "add" || cmd == "copy" || cmd == "volume") return ArgRule::kMaybeJsonList;
  if (cmd == "from" || cmd == "expose") return ArgRule::kWhitespace;
  if (cmd == "user" || cmd == "workdir" || cmd == "maintainer" || cmd == "stopsignal") return ArgRule::kString;
  if (cmd == "env" || cmd == "label") return ArgRule::kNameValue;
  if (cmd == "arg") return ArgRule::kWords;
  if (cmd == "healthcheck") return ArgRule::kHealth;
  if (cmd == "onbuild") return ArgRule::kOnbuild;
  return ArgRule::kIgnore;
}

// Exec form when `rest` is a JSON array of strings; otherwise `fallback`.
template <typename Fallback>
void maybe_json(Node& node, std::string_view rest, Fallback fallback) {
  JsonArray json = parse_json_array(rest);
  if (json.kind == JsonArray::Kind::kNonString) throw Error(ErrorCode::Parse, kNotStringArrayMessage);
  if (json.kind == JsonArray::Kind::kStrings) {
    node.args = std::move(json.values);
    node.json = true;
    return;
  }
  fallback();
}

void maybe_json_string(Node& node, std::string_view rest) {
  if (rest.empty()) return;
  maybe_json(node, rest, [&] { node.args = {std::string(rest)}; });
}

// HEALTHCHECK: the type word, then the rest as for CMD. Upstream finds the
// word end byte by byte with unicode.IsSpace(rune(byte)); so do we.
void health_config(Node& node, std::string_view rest) {
  auto is_space_byte = [](char c) { return detail::is_unicode_space(static_cast<unsigned char>(c)); };
  size_t sep = 0;
  while (sep < rest.size() && !is_space_byte(rest[sep])) ++sep;
  size_t next = sep;
  while (next < rest.size() && is_space_byte(rest[next])) ++next;
  if (sep == 0) return;
  Node cmd;
  maybe_json_string(cmd, rest.substr(next));
  node.args.emplace_back(rest.substr(0, sep));
  for (auto& a : cmd.args) node.args.push_back(std::move(a));
  node.json = cmd.json;
}

}  // namespace

Node build_node(std::string_view line, char escape) {
  CommandParts parts = split_command(line);
  Node node;
  node.keyword = std::move(parts.keyword);
  node.original = std::string(line);
  node.flags = std::move(parts.flags);
  std::string_view rest = parts.rest;
  std::string cmd = node.command();
  switch (rule_for(cmd)) {
    case ArgRule::kMaybeJson: maybe_json_string(node, rest); break;
    case ArgRule::kMaybeJsonList:
      maybe_json(node, rest, [&] { node.args = split_whitespace(rest); });
      break;
    case ArgRule::kWhitespace: node.args = split_whitespace(rest); break;
    case ArgRule::kString:
      if (!rest.empty()) node.args = {std::string(rest)};
      break;
    case ArgRule::kNameValue: node.args = parse_name_value(rest, detail::to_lower(cmd) == "env" ? "ENV" : "LABEL", escape); break;
    case ArgRule::kWords: node.args = split_words(rest, escape); break;
    case ArgRule::kHealth: health_config(node, rest); break;
    case ArgRule::kOnbuild:
      if (!rest.empty()) node.inner.push_back(build_node(rest, escape));
      break;
    case ArgRule::kIgnore: node.args = {""}; break;
  }
  return node;
}

bool can_contain_heredoc(const Node& node) {
  const Node* n = &node;
  if (n->command() == "onbuild" && !n->inner.empty()) n = &n->inner.front();
  std::string cmd = n->command();
  return (cmd == "run" || cmd == "copy" || cmd == "add") && !n->json;
}

std::string Node::command() const { return detail::to_lower(keyword); }

}  // namespace ocbuild::frontend
