#pragma once
// The lower-level pieces of the Dockerfile parser, exposed for unit tests and
// for later passes: JSON-array detection, word splitting, heredoc openers,
// parser directives and Go-style quoting for the dump. All are pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

// Exec form detection. kNotArray: not a JSON array at all (shell form);
// kStrings: a JSON array of strings (values filled); kNonString: a valid JSON
// array with a non-string element, which is a parse error.
struct JsonArray {
  enum class Kind { kNotArray, kStrings, kNonString };
  Kind kind = Kind::kNotArray;
  std::vector<std::string> values;
};
JsonArray parse_json_array(std::string_view text);
inline constexpr const char* kNotStringArrayMessage =
    "when using JSON array syntax, arrays must be comprised of strings only";

// Splits on unquoted whitespace; quotes and escape characters are kept.
std::vector<std::string> split_words(std::string_view rest, char escape = '\\');

// Splits on runs of [\t\v\f\r ] (FROM, EXPOSE, non-JSON COPY/ADD/VOLUME).
std::vector<std::string> split_whitespace(std::string_view rest);

// ENV/LABEL argument nodes: [key, value, "="] per word, or [key, value, ""]
// for the legacy "KEY value" form. Throws Error(Parse) "<KEYWORD> must have
// two arguments" / "Syntax error - can't find = in ...".
std::vector<std::string> parse_name_value(std::string_view rest, std::string_view keyword,
                                          char escape = '\\');

// A single word as a heredoc opener (`<<EOF`, `3<<-"EOF"`); nullopt when it is
// not one. Throws Error(Parse) on an unbalanced quote in the terminator.
std::optional<Heredoc> parse_heredoc_word(std::string_view word);

// The heredoc openers of a whole instruction line, in order.
std::vector<Heredoc> heredocs_from_line(std::string_view line);

// The parser directives at the top of a file, stopping at the first line that
// is not one. Throws Error(Parse) for a repeated directive.
std::vector<Directive> parse_directives(std::string_view text, std::string_view comment = "#");

// A directive value (BuildKit DetectSyntax / ParseDirective). `any_format`
// also accepts `//key=` lines and a JSON object {"key": "..."}.
struct DirectiveValue {
  std::string ref;      // the value up to the first space
  std::string cmdline;  // the whole value
  int line = 0;
};
std::optional<DirectiveValue> find_directive(std::string_view text, std::string_view key,
                                             bool any_format);

// Go's strconv.Quote (used by the dump).
std::string go_quote(std::string_view s);

// Splits "KEYWORD --flag=x rest" into keyword, flags and rest.
struct CommandParts {
  std::string keyword;
  std::vector<std::string> flags;
  std::string rest;
};
CommandParts split_command(std::string_view line);

// A --chmod value BuildKit accepts: octal ("0755") or symbolic ("u+x,g-w").
bool is_valid_chmod(std::string_view value);

}  // namespace ocbuild::frontend
