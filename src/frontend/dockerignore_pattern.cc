// A port of patternmatcher's Pattern.compile: '*' is "[^/]*", '?' is "[^/]",
// "**" is "(.*/)?" (or ".*" at the end), the regexp metacharacters .+()|{}$
// are escaped, "\x" stays an escape, and '[' ']' pass through as a regexp
// class. Patterns with no wildcard are compared as strings, "X**" as a
// prefix and "**X" as a suffix, exactly as upstream decides.
#include "frontend/dockerignore_pattern.h"

#include "frontend/expand_utf8.h"

namespace ocbuild::frontend::dockerignore {
namespace {

bool should_escape(char32_t c) {
  switch (c) {
    case '.': case '+': case '(': case ')': case '|': case '{': case '}': case '$':
      return true;
    default:
      return false;
  }
}

}  // namespace

Translation translate_pattern(std::string_view cleaned) {
  std::u32string p = utf8::decode_all(cleaned);
  if (!p.empty() && p[0] == 0xFEFF) p.erase(0, 1);  // text/scanner drops a leading BOM
  std::string re = "^";
  MatchType type = MatchType::Exact;
  size_t pos = 0;
  auto peek = [&]() -> long { return pos < p.size() ? static_cast<long>(p[pos]) : -1; };
  for (int i = 0; pos < p.size(); ++i) {
    char32_t ch = p[pos++];
    if (ch == '*') {
      if (peek() == '*') {
        ++pos;
        if (peek() == '/') ++pos;  // "**/" is treated as "**"
        if (peek() == -1) {
          if (type == MatchType::Exact) {
            type = MatchType::Prefix;
          } else {
            re += ".*";
            type = MatchType::Regexp;
          }
        } else {
          re += "(.*/)?";
          type = MatchType::Regexp;
        }
        if (i == 0) type = MatchType::Suffix;
      } else {
        re += "[^/]*";
        type = MatchType::Regexp;
      }
    } else if (ch == '?') {
      re += "[^/]";
      type = MatchType::Regexp;
    } else if (should_escape(ch)) {
      re += '\\';
      utf8::append(re, ch);
    } else if (ch == '\\') {
      if (pos < p.size()) {
        re += '\\';
        utf8::append(re, p[pos++]);
        type = MatchType::Regexp;
      } else {
        re += '\\';
      }
    } else if (ch == '[' || ch == ']') {
      utf8::append(re, ch);
      type = MatchType::Regexp;
    } else {
      utf8::append(re, ch);
    }
  }
  Translation t;
  t.type = type;
  if (type == MatchType::Regexp) t.regexp = re + "$";
  return t;
}

const char* to_string(MatchType type) {
  switch (type) {
    case MatchType::Exact: return "exact";
    case MatchType::Prefix: return "prefix";
    case MatchType::Suffix: return "suffix";
    case MatchType::Regexp: return "regexp";
  }
  return "?";
}

}  // namespace ocbuild::frontend::dockerignore
