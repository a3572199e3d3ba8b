#pragma once
// The Dockerfile syntax tree, as BuildKit's parser package sees it: one Node
// per instruction with its keyword, flags, argument words, heredoc bodies and
// source lines. No instruction is checked here (unknown keywords are kept);
// frontend::parse() (ast.h) lowers these nodes into typed instructions.
// Nothing is expanded: words keep their quotes, escapes and $VARs.
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/error.h"

namespace ocbuild::frontend {

// A heredoc body attached to RUN, COPY or ADD (`<<EOF`, `3<<-'EOF'`).
struct Heredoc {
  std::string name;     // the terminator word, quotes removed
  unsigned fd = 0;      // the number written before `<<`, 0 if none
  bool expand = true;   // false when any part of the terminator is quoted
  bool chomp = false;   // `<<-`: leading tabs are removed when the body is used
  std::string content;  // the raw body, newlines kept, tabs not removed
};

// Removes leading tabs from every line (what `<<-` means at build time).
std::string chomp_heredoc_content(std::string_view content);

// One instruction. For ONBUILD, `inner` holds the wrapped instruction (0 or 1).
struct Node {
  std::string keyword;              // as written (case kept); dumps lower-cased
  std::string original;             // the continuation-joined line
  std::vector<std::string> flags;   // "--name=value" words, quotes processed
  std::vector<std::string> args;    // argument words (see parser/README.md)
  std::vector<Node> inner;          // ONBUILD's instruction
  bool json = false;                // arguments were a JSON array (exec form)
  std::vector<Heredoc> heredocs;    // bodies in the order the openers appear
  SourceRange range;                // file, start line, end line (1-based)

  // The keyword in lower case ("run").
  std::string command() const;
};

// A parser directive from the top of the file (`# escape=``).
struct Directive {
  std::string name;  // lower case: syntax, escape or check
  std::string value;
  int line = 0;
};

// A non-fatal finding of the parser (an empty line inside a continuation).
struct Warning {
  std::string message;
  std::string detail;
  SourceRange range;
};

struct SyntaxTree {
  std::string filename;
  std::vector<Directive> directives;
  char escape = '\\';
  std::vector<Node> nodes;
  std::vector<Warning> warnings;
  int start_line = 0;  // first line of the first instruction
  int end_line = 0;    // last line of the last instruction
};

// Lines of 65,536 bytes or more are rejected, as BuildKit does.
inline constexpr size_t kMaxLineLength = 65535;

// Splits text into instruction nodes. Throws Error(ErrorCode::Parse) located
// at file:line for malformed input (bad directive, non-string JSON array,
// unterminated heredoc, ENV without value, no instructions, overlong line).
SyntaxTree parse_syntax(std::string_view text, std::string filename);

// The BuildKit `result` dump of a tree: one "(keyword [flags] args)" line per
// instruction, each ending in "\n".
std::string dump(const SyntaxTree& tree);
std::string dump(const Node& node);

}  // namespace ocbuild::frontend
