#pragma once
// frontend::parse(): Dockerfile text in, frontend::Ast out. The text is split
// into syntax nodes (syntax.h) and each node is lowered into a typed
// instruction (instructions.h) with its flags checked. No variable expansion
// is done. Every error is Error(ErrorCode::Parse) located at file:line:column,
// with the offending line as context. Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/frontend/instructions.h"
#include "ocbuild/frontend/syntax.h"

namespace ocbuild::frontend {

struct Instruction {
  Node node;               // keyword, original text, flags, args, SourceRange
  InstructionValue value;  // the typed form
};

struct Ast {
  std::string filename;
  std::vector<Directive> directives;
  char escape = '\\';
  std::vector<Instruction> instructions;
  std::vector<Warning> warnings;
};

Ast parse(std::string_view text, std::string filename);

// Lowers one syntax node. Throws Error(Parse) (unknown instruction, unknown or
// malformed flag, wrong argument count...); the location is the node's range.
InstructionValue lower(const Node& node);

}  // namespace ocbuild::frontend
