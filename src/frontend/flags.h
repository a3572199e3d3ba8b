#pragma once
// Checks an instruction's --flags against the set it accepts (BuildKit's
// BFlags): unknown flags get a "did you mean" suggestion, duplicates and
// missing or non-boolean values are errors.
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

enum class FlagKind { kString, kBool, kList };

struct FlagSpec {
  const char* name;
  FlagKind kind;
};

class ParsedFlags {
 public:
  // Throws Error(Parse) located at the flag in node.original.
  ParsedFlags(const Node& node, std::initializer_list<FlagSpec> specs);

  std::optional<std::string> string(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// Error(Parse) at the node, with the column of `needle` in its text if found.
Error node_error(const Node& node, const std::string& message, const std::string& needle = "");

// "did you mean X?" when a candidate is close enough, else nullopt.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ocbuild::frontend
