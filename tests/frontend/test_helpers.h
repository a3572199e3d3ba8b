#pragma once
// Helpers for the frontend tests: parse a snippet, get the one typed
// instruction, or the Error it throws.
#include <gtest/gtest.h>

#include <string>

#include "ocbuild/frontend/ast.h"

namespace ocbuild::frontend::testing {

// Parses "FROM scratch\n" + line and returns the second instruction's value.
template <typename T>
T lower_line(const std::string& line) {
  Ast ast = parse("FROM scratch\n" + line + "\n", "Dockerfile");
  EXPECT_EQ(ast.instructions.size(), 2u);
  return std::get<T>(ast.instructions.at(1).value);
}

// The Error of parsing text; fails the test when parsing succeeds.
inline Error parse_error(const std::string& text) {
  try {
    parse(text, "Dockerfile");
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "parse succeeded: " << text;
  return Error(ErrorCode::Internal, "no error");
}

}  // namespace ocbuild::frontend::testing
