// Word splitting before expansion: BuildKit's parseWords, the whitespace
// splitter, ENV/LABEL name-value nodes and the keyword/flags split.
#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {

using detail::decode_rune;
using detail::is_unicode_space;

namespace {

// Appends the escape character at `pos` and the rune after it; returns the
// position after them.
size_t append_escaped(std::string_view rest, size_t pos, std::string& word) {
  word += rest[pos];
  size_t w = 1;
  decode_rune(rest, pos + 1, &w);
  word.append(rest.substr(pos + 1, w));
  return pos + 1 + w;
}

}  // namespace

std::vector<std::string> split_words(std::string_view rest, char escape) {
  enum class Phase { kSpaces, kWord, kQuote };
  std::vector<std::string> words;
  Phase phase = Phase::kSpaces;
  char quote = 0;
  bool blank_ok = false;  // a quoted empty word ("") still counts
  std::string word;
  auto flush = [&] {
    if (blank_ok || !word.empty()) words.push_back(word);
    word.clear();
    blank_ok = false;
  };
  for (size_t pos = 0; pos < rest.size();) {
    size_t w = 1;
    bool space = is_unicode_space(decode_rune(rest, pos, &w));
    char c = rest[pos];
    if (phase == Phase::kSpaces && space) {
      pos += w;
      continue;
    }
    if (phase == Phase::kSpaces) phase = Phase::kWord;
    bool escapes = phase == Phase::kWord || quote != '\'';  // nothing escapes in '...'
    if (phase == Phase::kWord && space) {
      phase = Phase::kSpaces;
      flush();
    } else if (phase == Phase::kWord && (c == '\'' || c == '"') && c != escape) {
      quote = c;
      blank_ok = true;
      phase = Phase::kQuote;
      word += c;
    } else if (phase == Phase::kQuote && c == quote) {
      phase = Phase::kWord;
      word += c;
    } else if (c == escape && escapes) {
      if (pos + 1 == rest.size()) {  // a trailing escape is dropped
        if (phase == Phase::kQuote) phase = Phase::kWord;
        break;
      }
      pos = append_escaped(rest, pos, word);
      continue;
    } else {
      word.append(rest.substr(pos, w));
    }
    pos += w;
  }
  if (phase != Phase::kSpaces) flush();
  return words;
}

std::vector<std::string> split_whitespace(std::string_view rest) {
  // Go's regexp.Split semantics: empty pieces at either end are kept.
  std::vector<std::string> out;
  if (rest.empty()) return out;
  size_t start = 0;
  size_t i = 0;
  while (i < rest.size()) {
    if (!detail::is_token_space(rest[i])) {
      ++i;
      continue;
    }
    out.emplace_back(rest.substr(start, i - start));
    while (i < rest.size() && detail::is_token_space(rest[i])) ++i;
    start = i;
  }
  out.emplace_back(rest.substr(start));
  return out;
}

std::vector<std::string> parse_name_value(std::string_view rest, std::string_view keyword,
                                          char escape) {
  std::vector<std::string> words = split_words(rest, escape);
  std::vector<std::string> nodes;
  if (words.empty()) return nodes;
  if (words[0].find('=') == std::string::npos) {
    // Legacy form: split once on whitespace.
    size_t i = 0;
    while (i < rest.size() && !detail::is_token_space(rest[i])) ++i;
    if (i == rest.size()) throw Error(ErrorCode::Parse, std::string(keyword) + " must have two arguments");
    size_t j = i;
    while (j < rest.size() && detail::is_token_space(rest[j])) ++j;
    return {std::string(rest.substr(0, i)), std::string(rest.substr(j)), ""};
  }
  for (const auto& word : words) {
    size_t eq = word.find('=');
    if (eq == std::string::npos)
      throw Error(ErrorCode::Parse, "Syntax error - can't find = in " + go_quote(word) +
                                        ". Must be of the form: name=value");
    nodes.push_back(word.substr(0, eq));
    nodes.push_back(word.substr(eq + 1));
    nodes.emplace_back("=");
  }
  return nodes;
}

namespace {

// BuildKit's extractBuilderFlags: leading `--words`, quotes and backslashes
// processed; a bare `--` ends the flags. Works on bytes, as upstream does.
std::string_view extract_flags(std::string_view line, std::vector<std::string>& flags) {
  auto is_space = [](char c) { return is_unicode_space(static_cast<unsigned char>(c)); };
  size_t pos = 0;
  for (;;) {
    while (pos < line.size() && is_space(line[pos])) ++pos;
    if (pos == line.size()) return {};
    if (line.substr(pos, 2) != "--" || pos + 1 == line.size()) return line.substr(pos);
    // One flag word.
    std::string word;
    bool blank_ok = false;
    char quote = 0;
    for (; pos < line.size(); ++pos) {
      char ch = line[pos];
      if (!quote && is_space(ch)) break;
      if (!quote && (ch == '\'' || ch == '"')) {
        quote = ch;
        blank_ok = true;
        continue;
      }
      if (quote && ch == quote) {
        quote = 0;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == line.size()) break;  // a trailing backslash is dropped
        ch = line[++pos];
      }
      word += ch;
    }
    if (word == "--") return pos == line.size() ? std::string_view{} : line.substr(pos);
    if (blank_ok || !word.empty()) flags.push_back(std::move(word));
  }
}

}  // namespace

CommandParts split_command(std::string_view line) {
  CommandParts parts;
  std::string_view s = detail::trim_space(line);
  size_t i = 0;
  while (i < s.size() && !detail::is_token_space(s[i])) ++i;
  parts.keyword = std::string(s.substr(0, i));
  if (i < s.size()) {
    size_t j = i;
    while (j < s.size() && detail::is_token_space(s[j])) ++j;
    parts.rest = std::string(detail::trim_space(extract_flags(s.substr(j), parts.flags)));
  }
  return parts;
}

}  // namespace ocbuild::frontend
