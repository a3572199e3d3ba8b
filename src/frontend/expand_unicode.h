#pragma once
// Character classes the shell lexer needs, matching Go's unicode.IsSpace,
// unicode.IsDigit and unicode.IsLetter. Non-ASCII letters use the C.UTF-8
// locale's tables (glibc's are generated from Unicode). Internal header.

namespace ocbuild::frontend::unicode {

// unicode.IsSpace: ASCII \t \n \v \f \r and space, U+0085, U+00A0 and the
// Unicode Zs/Zl/Zp characters.
constexpr bool is_space(char32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// Decimal digits. Upstream accepts any Unicode Nd digit; only ASCII digits
// start a positional parameter here (a non-ASCII digit still counts as a
// name character through is_letter's alnum test).
constexpr bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// Letters (and, for non-ASCII, alphanumerics) as in unicode.IsLetter.
bool is_letter(char32_t c);

// POSIX special parameters: $@ $* $# $? $- $$ $! $0.
constexpr bool is_special_param(char32_t c) {
  switch (c) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
      return true;
    default:
      return false;
  }
}

}  // namespace ocbuild::frontend::unicode
