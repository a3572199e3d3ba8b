#pragma once
// Go's filepath.Match for one path component ('*', '?', '[...]' classes
// with ranges and '^' negation, '\\' escapes), as Docker uses it for COPY
// and ADD source wildcards. Internal to the solver.
#include <string_view>

namespace ocbuild::solver {

// True when `name` matches `pattern`. Throws Error(Invalid) "syntax error in
// pattern" for a malformed pattern (checked whole, before matching).
bool glob_match(std::string_view pattern, std::string_view name);

// Docker's containsWildcards: an unescaped '*', '?' or '['.
bool has_wildcards(std::string_view pattern);

}  // namespace ocbuild::solver
