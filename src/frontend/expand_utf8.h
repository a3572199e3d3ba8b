#pragma once
// UTF-8 helpers shared by the shell lexer and the .dockerignore matcher. Both
// port Go code, which decodes an invalid byte as U+FFFD of width one; these
// helpers do the same so that results agree byte for byte on valid input.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the rune at s[i]; sets `width` to the bytes consumed (>= 1).
inline char32_t decode(std::string_view s, size_t i, size_t& width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const size_t left = s.size() - i;
  const unsigned char c0 = b(0);
  width = 1;
  if (c0 < 0x80) return c0;
  auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF && cont(1)) {
    width = 2;
    return ((c0 & 0x1F) << 6) | (b(1) & 0x3F);
  }
  if (c0 >= 0xE0 && c0 <= 0xEF && cont(1) && cont(2)) {
    char32_t r = ((c0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return kReplacement;
    width = 3;
    return r;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    char32_t r = ((c0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    if (r < 0x10000 || r > 0x10FFFF) return kReplacement;
    width = 4;
    return r;
  }
  return kReplacement;
}

inline std::u32string decode_all(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w = 1;
    out.push_back(decode(s, i, w));
    i += w;
  }
  return out;
}

inline void append(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kReplacement;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

inline std::string encode(std::u32string_view runes) {
  std::string out;
  out.reserve(runes.size());
  for (char32_t r : runes) append(out, r);
  return out;
}

}  // namespace ocbuild::frontend::utf8
