#include "frontend/text_util.h"

#include <algorithm>
#include <vector>

namespace ocbuild::frontend::detail {

uint32_t decode_rune(std::string_view s, size_t pos, size_t* width) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  unsigned char c = b(0);
  *width = 1;
  if (c < 0x80) return c;
  size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || pos + n > s.size()) return 0xFFFD;
  uint32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b(i) & 0x3F);
  }
  bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return 0xFFFD;
  *width = n;
  return cp;
}

bool is_unicode_space(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::string_view trim_left_space(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t w = 1;
    uint32_t cp = decode_rune(s, pos, &w);
    if (w == 1 && cp == 0xFFFD) break;
    if (!is_unicode_space(cp)) break;
    pos += w;
  }
  return s.substr(pos);
}

std::string_view trim_space(std::string_view s) {
  s = trim_left_space(s);
  // Trailing: step back over ASCII spaces and the multi-byte spaces we know.
  for (;;) {
    if (s.empty()) return s;
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last < 0x80) {
      if (!is_unicode_space(last)) return s;
      s.remove_suffix(1);
      continue;
    }
    size_t start = s.size();
    while (start > 0 && s.size() - start < 4 &&
           (static_cast<unsigned char>(s[start - 1]) & 0xC0) == 0x80)
      --start;
    if (start == 0) return s;
    --start;
    size_t w = 1;
    uint32_t cp = decode_rune(s, start, &w);
    if (start + w != s.size() || !is_unicode_space(cp)) return s;
    s.remove_suffix(w);
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace ocbuild::frontend::detail
