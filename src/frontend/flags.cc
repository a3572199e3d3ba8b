#include "frontend/flags.h"

#include <algorithm>

#include "frontend/text_util.h"

namespace ocbuild::frontend {

Error node_error(const Node& node, const std::string& message, const std::string& needle) {
  SourceRange where = node.range;
  if (!needle.empty()) {
    // The joined line starts at the node's column; past a continuation the
    // column is approximate.
    size_t at = node.original.find(needle);
    if (at != std::string::npos && where.column > 0) where.column += static_cast<int>(at);
  }
  return Error(ErrorCode::Parse, message, where);
}

std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = detail::edit_distance(detail::to_lower(word), c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

ParsedFlags::ParsedFlags(const Node& node, std::initializer_list<FlagSpec> specs) {
  std::string keyword = node.command();
  for (char& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& word : node.flags) {
    std::string body = word.substr(std::min<size_t>(2, word.size()));
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = body.substr(eq + 1);
    const FlagSpec* spec = nullptr;
    std::vector<std::string> names;
    for (const auto& s : specs) {
      names.emplace_back(s.name);
      if (name == s.name) spec = &s;
    }
    if (!spec) {
      std::string msg = "unknown flag --" + name + " for " + keyword;
      if (auto hint = closest(name, names)) msg += " (did you mean --" + *hint + "?)";
      throw node_error(node, msg, "--" + name);
    }
    auto& slot = values_[name];
    if (!slot.empty() && spec->kind != FlagKind::kList)
      throw node_error(node, "duplicate flag specified: --" + name, "--" + name);
    if (spec->kind == FlagKind::kBool) {
      std::string v = detail::to_lower(value.value_or("true"));
      if (v.empty()) v = "true";
      if (v != "true" && v != "false")
        throw node_error(node, "expecting boolean value for flag --" + name + ", not: " + *value, "--" + name);
      slot.push_back(v);
      continue;
    }
    if (!value || value->empty())
      throw node_error(node, "missing a value on flag --" + name + " for " + keyword, "--" + name);
    slot.push_back(*value);
  }
}

std::optional<std::string> ParsedFlags::string(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

bool ParsedFlags::boolean(const std::string& name) const { return string(name).value_or("false") == "true"; }

std::vector<std::string> ParsedFlags::list(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace ocbuild::frontend
