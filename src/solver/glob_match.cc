#include "glob_match.h"

#include <string>

#include "ocbuild/core/error.h"

namespace ocbuild::solver {
namespace {

// Decodes one UTF-8 sequence (a bad byte counts as one rune, as in Go).
char32_t next_rune(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  char32_t r = len == 1 ? c : c & (0x7f >> len);
  for (int k = 1; k < len; ++k) r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return r;
}

[[noreturn]] void bad(std::string_view pattern) {
  throw Error(ErrorCode::Invalid, "syntax error in pattern \"" + std::string(pattern) + "\"");
}

// One class element or range bound; handles '\\' escapes.
char32_t class_char(std::string_view p, size_t& i, std::string_view whole) {
  if (i >= p.size() || p[i] == ']' || p[i] == '-') bad(whole);
  if (p[i] == '\\' && ++i >= p.size()) bad(whole);
  return next_rune(p, i);
}

// Matches a class at p[i] ('[' already consumed) against rune r; leaves i
// after the closing ']'.
bool match_class(std::string_view p, size_t& i, char32_t r, std::string_view whole) {
  bool negated = i < p.size() && p[i] == '^';
  if (negated) ++i;
  bool matched = false;
  for (int n = 0;; ++n) {
    if (i < p.size() && p[i] == ']' && n > 0) {
      ++i;
      break;
    }
    char32_t lo = class_char(p, i, whole), hi = lo;
    if (i < p.size() && p[i] == '-') {
      ++i;
      hi = class_char(p, i, whole);
    }
    if (lo <= r && r <= hi) matched = true;
  }
  return matched != negated;
}

bool match_from(std::string_view p, size_t pi, std::string_view n, size_t ni, std::string_view whole) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (size_t k = ni; k <= n.size(); ++k) {
        if (match_from(p, pi, n, k, whole)) return true;
      }
      return false;
    }
    if (ni >= n.size()) return false;
    if (c == '?') {
      ++pi;
      next_rune(n, ni);
    } else if (c == '[') {
      ++pi;
      if (!match_class(p, pi, next_rune(n, ni), whole)) return false;
    } else {
      if (c == '\\' && ++pi >= p.size()) bad(whole);
      if (p[pi] != n[ni]) return false;
      ++pi, ++ni;
    }
  }
  return ni == n.size();
}

// Go checks the whole pattern for syntax even when matching stops early.
void check_syntax(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {
      if (i + 1 >= p.size()) bad(p);
      i += 2;
    } else if (p[i] == '[') {
      ++i;
      match_class(p, i, 0, p);
    } else {
      ++i;
    }
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
  check_syntax(pattern);
  return match_from(pattern, 0, name, 0, pattern);
}

bool has_wildcards(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') ++i;
    else if (c == '*' || c == '?' || c == '[') return true;
  }
  return false;
}

}  // namespace ocbuild::solver
