// Upstream turns these patterns into a Go regexp ('*' -> ".*" or ".*?",
// '?' -> "."). The pattern language has only literals, '?' and '*', so a
// small backtracking matcher that tries alternatives in the regexp's
// priority order, with a memo of (token, position) results, gives the same
// leftmost-first answers in O(tokens * length^2) at worst.
#include "frontend/expand_pattern.h"

#include <algorithm>
#include <vector>

#include "frontend/expand_unicode.h"
#include "frontend/expand_utf8.h"
#include "ocbuild/core/error.h"

namespace ocbuild::frontend::expand {
namespace {

enum class Kind { Literal, Any, Star };

struct Token {
  Kind kind;
  char32_t rune = 0;
};

Error pattern_error(std::string_view pattern, const std::string& why) {
  return Error(ErrorCode::Parse, "invalid pattern (" + std::string(pattern) + ") in substitution: " + why);
}

std::vector<Token> compile(std::string_view pattern) {
  std::u32string p = utf8::decode_all(pattern);
  std::vector<Token> out;
  for (size_t i = 0; i < p.size(); ++i) {
    char32_t c = p[i];
    if (c == '*') {
      out.push_back({Kind::Star});
    } else if (c == '?') {
      out.push_back({Kind::Any});
    } else if (c == '\\') {
      // "\}" and "\/" had to be escaped inside ${}; the escape is not part
      // of the pattern.
      if (i + 1 < p.size() && (p[i + 1] == '}' || p[i + 1] == '/')) continue;
      if (i + 1 >= p.size()) throw pattern_error(pattern, "invalid escape at end of pattern");
      char32_t e = p[++i];
      if (e != '*' && e != '?' && e != '\\') {
        std::string shown = "\\";
        utf8::append(shown, e);
        throw pattern_error(pattern, "invalid escape '" + shown + "'");
      }
      out.push_back({Kind::Literal, e});
    } else {
      out.push_back({Kind::Literal, c});
    }
  }
  return out;
}

class Matcher {
 public:
  Matcher(const std::vector<Token>& tokens, const std::u32string& subject, bool greedy)
      : tokens_(tokens), s_(subject), greedy_(greedy),
        memo_((tokens.size() + 1) * (subject.size() + 1), kUnknown) {}

  // End of the preferred match starting exactly at `start`, or -1.
  long match_at(size_t start) { return match(0, start); }

  // Leftmost match starting at or after `from`: {begin, end} or {-1, -1}.
  std::pair<long, long> find(size_t from) {
    for (size_t b = from; b <= s_.size(); ++b) {
      long e = match(0, b);
      if (e >= 0) return {static_cast<long>(b), e};
    }
    return {-1, -1};
  }

 private:
  static constexpr long kUnknown = -2;

  long match(size_t ti, size_t si) {
    if (ti == tokens_.size()) return static_cast<long>(si);
    long& slot = memo_[ti * (s_.size() + 1) + si];
    if (slot != kUnknown) return slot;
    slot = step(ti, si);
    return slot;
  }

  long step(size_t ti, size_t si) {
    const Token& t = tokens_[ti];
    const bool have = si < s_.size();
    switch (t.kind) {
      case Kind::Literal:
        return have && s_[si] == t.rune ? match(ti + 1, si + 1) : -1;
      case Kind::Any:  // Go's '.' does not match a newline
        return have && s_[si] != '\n' ? match(ti + 1, si + 1) : -1;
      case Kind::Star:
        break;
    }
    size_t max_end = si;
    while (max_end < s_.size() && s_[max_end] != '\n') ++max_end;
    if (greedy_) {
      for (size_t e = max_end + 1; e-- > si;) {
        long r = match(ti + 1, e);
        if (r >= 0) return r;
      }
    } else {
      for (size_t e = si; e <= max_end; ++e) {
        long r = match(ti + 1, e);
        if (r >= 0) return r;
      }
    }
    return -1;
  }

  const std::vector<Token>& tokens_;
  const std::u32string& s_;
  bool greedy_;
  std::vector<long> memo_;
};

// Reverses a pattern but keeps each "\x" pair in order: "a\*c" -> "c\*a".
std::string reverse_pattern(std::string_view pattern) {
  std::u32string p = utf8::decode_all(pattern);
  std::u32string out(p.size(), U'\0');
  const size_t last = p.empty() ? 0 : p.size() - 1;
  for (size_t i = 0; i < p.size();) {
    size_t o = last - i;
    if (p[i] == '\\' && i != last) {
      out[o - 1] = p[i];
      out[o] = p[i + 1];
      i += 2;
    } else {
      out[o] = p[i];
      ++i;
    }
  }
  return utf8::encode(out);
}

std::string reverse_string(std::string_view s) {
  std::u32string r = utf8::decode_all(s);
  std::reverse(r.begin(), r.end());
  return utf8::encode(r);
}

bool is_name_rune(char32_t c) { return c == '_' || unicode::is_digit(c) || unicode::is_letter(c); }

// Go's Regexp.expand for a pattern without capture groups: "$$" is '$',
// "$0"/"${0}" the match, any other well-formed $name is empty, and a
// malformed one leaves the '$' as text.
std::string expand_template(std::string_view tmpl, std::string_view match) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    const bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t j = brace ? i + 1 : i;
    const size_t name_begin = j;
    while (j < tmpl.size()) {
      size_t w = 1;
      char32_t r = utf8::decode(tmpl, j, w);
      if (!is_name_rune(r)) break;
      j += w;
    }
    std::string_view name = tmpl.substr(name_begin, j - name_begin);
    if (name.empty() || (brace && (j >= tmpl.size() || tmpl[j] != '}'))) {
      out.push_back('$');  // malformed: the '$' is literal text
      continue;
    }
    if (brace) ++j;
    if (name == "0") out.append(match);
    i = j;
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

}  // namespace

std::string trim_prefix(std::string_view pattern, std::string_view value, bool greedy) {
  auto tokens = compile(pattern);
  std::u32string v = utf8::decode_all(value);
  Matcher m(tokens, v, greedy);
  long end = m.match_at(0);
  if (end < 0) return std::string(value);
  return utf8::encode(std::u32string_view(v).substr(static_cast<size_t>(end)));
}

std::string trim_suffix(std::string_view pattern, std::string_view value, bool greedy) {
  // A leftmost search cannot find the shortest rightmost match, so search
  // the reversed value with the reversed pattern instead, as upstream does.
  return reverse_string(trim_prefix(reverse_pattern(pattern), reverse_string(value), greedy));
}

std::string replace(std::string_view pattern, std::string_view value, std::string_view replacement,
                    bool all) {
  auto tokens = compile(pattern);
  std::u32string v = utf8::decode_all(value);
  std::u32string_view sv(v);
  Matcher m(tokens, v, true);
  if (!all) {
    auto [b, e] = m.find(0);
    if (b < 0) return std::string(value);
    return utf8::encode(sv.substr(0, b)) + std::string(replacement) + utf8::encode(sv.substr(e));
  }
  // Go's ReplaceAllString loop: an empty match right after a match is not
  // replaced, and the search always advances by at least one rune.
  std::string out;
  size_t last_end = 0;
  size_t search = 0;
  while (search <= v.size()) {
    auto [b, e] = m.find(search);
    if (b < 0) break;
    out += utf8::encode(sv.substr(last_end, b - last_end));
    if (static_cast<size_t>(e) > last_end || b == 0) {
      out += expand_template(replacement, utf8::encode(sv.substr(b, e - b)));
    }
    last_end = static_cast<size_t>(e);
    size_t width = search < v.size() ? 1 : 0;
    if (search + width > static_cast<size_t>(e)) {
      search += width;
    } else if (search + 1 > static_cast<size_t>(e)) {
      ++search;
    } else {
      search = static_cast<size_t>(e);
    }
  }
  out += utf8::encode(sv.substr(std::min(last_end, v.size())));
  return out;
}

}  // namespace ocbuild::frontend::expand
