// The BuildKit `result` dump and Go's strconv.Quote, which it uses.
#include <cstdio>

#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

// Go's unicode.IsPrint for non-ASCII runes, without the full tables: controls,
// spaces other than ' ', format characters, private use and noncharacters are
// not printable; every other rune is treated as printable (unassigned ones
// included, which Go would escape).
bool is_printable(uint32_t cp) {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7F;
  if (cp < 0xA0 || cp == 0xAD) return false;
  if (detail::is_unicode_space(cp)) return false;
  if ((cp >= 0x600 && cp <= 0x605) || cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x180E)
    return false;
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F))
    return false;
  if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp & 0xFFFE) == 0xFFFE) return false;
  if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000) return false;
  if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) return false;
  return true;
}

void append_hex(std::string& out, const char* fmt, uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, fmt, v);
  out += buf;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t pos = 0; pos < s.size();) {
    size_t w = 1;
    uint32_t cp = detail::decode_rune(s, pos, &w);
    unsigned char b = static_cast<unsigned char>(s[pos]);
    if (cp == 0xFFFD && w == 1 && b >= 0x80) {
      append_hex(out, "\\x%02x", b);
    } else if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (is_printable(cp)) {
      out.append(s.substr(pos, w));
    } else {
      switch (cp) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (cp < 0x20 || cp == 0x7F) append_hex(out, "\\x%02x", cp);
          else if (cp < 0x10000) append_hex(out, "\\u%04x", cp);
          else append_hex(out, "\\U%08x", cp);
      }
    }
    pos += w;
  }
  out += '"';
  return out;
}

std::string dump(const Node& node) {
  std::string s = detail::to_lower(node.keyword);
  if (!node.flags.empty()) {
    s += " [";
    for (size_t i = 0; i < node.flags.size(); ++i) {
      if (i) s += ' ';
      s += go_quote(node.flags[i]);
    }
    s += ']';
  }
  if (!node.inner.empty()) {
    s += " (" + dump(node.inner.front()) + ")";
  } else {
    for (const auto& arg : node.args) s += " " + go_quote(arg);
  }
  return std::string(detail::trim_space(s));
}

std::string dump(const SyntaxTree& tree) {
  std::string out;
  for (const auto& node : tree.nodes) out += "(" + dump(node) + ")\n";
  return out;
}

}  // namespace ocbuild::frontend
