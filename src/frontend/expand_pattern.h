#pragma once
// The glob patterns of ${V#p} ${V%p} ${V/p/r}, as BuildKit builds them: '*'
// and '?' (neither matches a newline, as Go's '.' does not), '\' escapes only
// '*', '?' and '\' (and is dropped before '}' and '/'), no bracket classes.
// Matching follows Go's leftmost-first regexp semantics. Internal header.
#include <string>
#include <string_view>

namespace ocbuild::frontend::expand {

// ${V#p} / ${V##p}: removes the shortest (longest when greedy) matching prefix.
std::string trim_prefix(std::string_view pattern, std::string_view value, bool greedy);
// ${V%p} / ${V%%p}: removes the shortest (longest when greedy) matching suffix.
std::string trim_suffix(std::string_view pattern, std::string_view value, bool greedy);
// ${V/p/r} and ${V//p/r}. With `all`, the replacement is a Go regexp template
// ("$$" is '$', "$0" the match, other $names are empty), as upstream's
// ReplaceAllString does; a single replacement is literal.
std::string replace(std::string_view pattern, std::string_view value, std::string_view replacement,
                    bool all);

// Thrown (as ocbuild::Error, ErrorCode::Parse) for an invalid escape:
// "invalid pattern (p) in substitution: invalid escape '\x'".

}  // namespace ocbuild::frontend::expand
