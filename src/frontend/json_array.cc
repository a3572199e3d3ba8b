// Exec-form detection: a strict JSON reader, because Go's json.Unmarshal
// decides between exec form, shell form and error. The whole text must be
// valid JSON for exec form; a valid array with a non-string is an error.
#include <cstdint>

#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

constexpr int kMaxDepth = 10000;  // Go's encoding/json nesting limit

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  // Reads one value; `out` gets the decoded string when it is one.
  bool value(int depth, std::string* out, bool* is_string) {
    skip_ws();
    if (pos_ >= s_.size() || depth > kMaxDepth) return false;
    char c = s_[pos_];
    *is_string = c == '"';
    if (c == '"') return string(out);
    if (c == '[') return array(depth + 1, nullptr, nullptr);
    if (c == '{') return object(depth + 1);
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return literal("true") || literal("false") || literal("null");
  }

  // Reads an array; collects strings into `values`, notes non-strings.
  bool array(int depth, std::vector<std::string>* values, bool* all_strings) {
    if (depth > kMaxDepth) return false;
    ++pos_;  // '['
    skip_ws();
    if (peek() == ']') return ++pos_, true;
    for (;;) {
      std::string item;
      bool is_string = false;
      if (!value(depth, &item, &is_string)) return false;
      if (values) values->push_back(std::move(item));
      if (all_strings && !is_string) *all_strings = false;
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == ']') return ++pos_, true;
      return false;
    }
  }

  bool at_end() {
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool object(int depth) {
    ++pos_;  // '{'
    skip_ws();
    if (peek() == '}') return ++pos_, true;
    for (;;) {
      skip_ws();
      std::string key;
      if (peek() != '"' || !string(&key)) return false;
      skip_ws();
      if (peek() != ':') return false;
      ++pos_;
      bool is_string = false;
      if (!value(depth, &key, &is_string)) return false;
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == '}') return ++pos_, true;
      return false;
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  bool hex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    *cp = v;
    return true;
  }

  bool unicode_escape(std::string& out) {
    uint32_t cp = 0;
    if (!hex4(&cp)) return false;
    if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
      size_t save = pos_;
      pos_ += 2;
      uint32_t lo = 0;
      if (!hex4(&lo)) return false;
      if (lo >= 0xDC00 && lo < 0xE000) {
        append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
        return true;
      }
      pos_ = save;  // not a pair: the lone surrogate becomes U+FFFD
    }
    append_utf8(out, (cp >= 0xD800 && cp < 0xE000) ? 0xFFFD : cp);
    return true;
  }

  bool string(std::string* out) {
    ++pos_;  // '"'
    std::string tmp;
    std::string& o = out ? *out : tmp;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') { o += static_cast<char>(c); continue; }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case '"': o += '"'; break;
        case '\\': o += '\\'; break;
        case '/': o += '/'; break;
        case 'b': o += '\b'; break;
        case 'f': o += '\f'; break;
        case 'n': o += '\n'; break;
        case 'r': o += '\r'; break;
        case 't': o += '\t'; break;
        case 'u': if (!unicode_escape(o)) return false; break;
        default: return false;
      }
    }
    return false;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool is_go_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

}  // namespace

JsonArray parse_json_array(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && is_go_space(static_cast<unsigned char>(text[i]))) ++i;
  text.remove_prefix(i);
  JsonArray result;
  if (text.empty() || text[0] != '[') return result;
  JsonReader reader(text);
  std::vector<std::string> values;
  bool all_strings = true;
  if (!reader.array(1, &values, &all_strings) || !reader.at_end()) return result;
  if (!all_strings) {
    result.kind = JsonArray::Kind::kNonString;
    return result;
  }
  result.kind = JsonArray::Kind::kStrings;
  result.values = std::move(values);
  return result;
}

}  // namespace ocbuild::frontend
