#pragma once
// Small text helpers shared by the parser files (UTF-8 aware where Go is).
#include <cstdint>
#include <string>
#include <string_view>

namespace ocbuild::frontend::detail {

// Decodes the rune at `pos`; an invalid byte gives 0xFFFD with width 1.
uint32_t decode_rune(std::string_view s, size_t pos, size_t* width);

// Go's unicode.IsSpace.
bool is_unicode_space(uint32_t cp);

// Go's strings.TrimSpace / TrimLeftFunc(unicode.IsSpace).
std::string_view trim_space(std::string_view s);
std::string_view trim_left_space(std::string_view s);

// [\t\v\f\r ]: the separator of FROM/EXPOSE words and of keyword and rest.
inline bool is_token_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

std::string to_lower(std::string_view s);

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace ocbuild::frontend::detail
