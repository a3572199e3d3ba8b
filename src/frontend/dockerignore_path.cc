#include "frontend/dockerignore_path.h"

#include "frontend/expand_unicode.h"
#include "frontend/expand_utf8.h"

namespace ocbuild::frontend::dockerignore {

std::string_view go_trim_space(std::string_view s) {
  size_t w = 1;
  while (!s.empty() && unicode::is_space(utf8::decode(s, 0, w))) s.remove_prefix(w);
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    if (!unicode::is_space(utf8::decode(s, start, w)) || start + w != s.size()) break;
    s.remove_suffix(w);
  }
  return s;
}

std::string go_clean(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::string out;
  size_t dotdot = rooted ? 1 : 0;  // out[0, dotdot) can never be backtracked
  if (rooted) out.push_back('/');
  size_t r = rooted ? 1 : 0;
  const size_t n = path.size();
  while (r < n) {
    if (path[r] == '/') {
      ++r;
    } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
      ++r;
    } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {
        size_t w = out.size() - 1;
        while (w > dotdot && out[w] != '/') --w;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out.push_back('/');
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out.push_back('/');
      while (r < n && path[r] != '/') out.push_back(path[r++]);
    }
  }
  if (out.empty()) return ".";
  return out;
}

std::string go_dir(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view head = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
  return go_clean(head);
}

std::vector<std::string> split_slash(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash; (slash = s.find('/', start)) != std::string_view::npos; start = slash + 1) {
    parts.emplace_back(s.substr(start, slash - start));
  }
  parts.emplace_back(s.substr(start));
  return parts;
}

namespace {

// filepath.getEsc on a class item: returns false for a syntax error.
bool class_item_ok(std::string_view chunk, size_t& i) {
  if (i >= chunk.size() || chunk[i] == '-' || chunk[i] == ']') return false;
  if (chunk[i] == '\\') {
    ++i;
    if (i >= chunk.size()) return false;
  }
  size_t w = 1;
  char32_t r = utf8::decode(chunk, i, w);
  if (r == utf8::kReplacement && w == 1) return false;
  i += w;
  return i < chunk.size();
}

// The syntax half of filepath.matchChunk.
bool chunk_ok(std::string_view chunk) {
  size_t i = 0;
  while (i < chunk.size()) {
    if (chunk[i] == '[') {
      ++i;
      if (i < chunk.size() && chunk[i] == '^') ++i;
      for (int nrange = 0;; ++nrange) {
        if (i < chunk.size() && chunk[i] == ']' && nrange > 0) {
          ++i;
          break;
        }
        if (!class_item_ok(chunk, i)) return false;
        if (chunk[i] == '-' && !class_item_ok(chunk, ++i)) return false;
      }
    } else if (chunk[i] == '\\') {
      if (i + 1 >= chunk.size()) return false;
      i += 2;
    } else {
      ++i;
    }
  }
  return true;
}

}  // namespace

bool glob_syntax_ok(std::string_view pattern) {
  // filepath.scanChunk: a chunk runs up to the next '*' outside brackets.
  while (!pattern.empty()) {
    while (!pattern.empty() && pattern[0] == '*') pattern.remove_prefix(1);
    bool in_range = false;
    size_t i = 0;
    for (; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == '\\') {
        if (i + 1 < pattern.size()) ++i;
      } else if (c == '[') {
        in_range = true;
      } else if (c == ']') {
        in_range = false;
      } else if (c == '*' && !in_range) {
        break;
      }
    }
    if (!chunk_ok(pattern.substr(0, i))) return false;
    pattern.remove_prefix(i);
  }
  return true;
}

}  // namespace ocbuild::frontend::dockerignore
