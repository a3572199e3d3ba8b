#pragma once
// Line-by-line recognition of parser directives, shared by the parser loop and
// parse_directives(). Not thread-safe; one per parse.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

class DirectiveScanner {
 public:
  explicit DirectiveScanner(std::string comment = "#", int first_line = 0)
      : comment_(std::move(comment)), line_(first_line) {}

  // Feeds the next physical line (without its newline). Returns the directive
  // it holds, if any. Throws Error(Parse) when a directive is repeated.
  std::optional<Directive> scan(std::string_view line);
  bool done() const { return done_; }

 private:
  std::string comment_;
  int line_ = 0;
  bool done_ = false;
  std::vector<std::string> seen_;
};

}  // namespace ocbuild::frontend
