// Word splitting before expansion: BuildKit's parseWords, the whitespace
// splitter, ENV/LABEL name-value nodes and the keyword/flags split.
#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {

using detail::decode_rune;
using detail::is_unicode_space;

std::vector<std::string> split_words(std::string_view rest, char escape) {
  enum class Phase { kSpaces, kWord, kQuote };
  std::vector<std::string> words;
  Phase phase = Phase::kSpaces;
  char quote = 0;
  bool blank_ok = false;
  std::string word;
  auto flush = [&] {
    if (blank_ok || !word.empty()) words.push_back(word);
    word.clear();
    blank_ok = false;
  };
  for (size_t pos = 0; pos < rest.size();) {
    size_t w = 1;
    uint32_t cp = decode_rune(rest, pos, &w);
    std::string_view ch = rest.substr(pos, w);
    char c = rest[pos];
    if (phase == Phase::kSpaces) {
      if (is_unicode_space(cp)) { pos += w; continue; }
      phase = Phase::kWord;
    }
    if (phase == Phase::kWord) {
      if (is_unicode_space(cp)) {
        phase = Phase::kSpaces;
        flush();
        pos += w;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        blank_ok = true;
        phase = Phase::kQuote;
      }
      if (c == escape) {
        if (pos + 1 == rest.size()) { pos += 1; continue; }  // a trailing escape is dropped
        word += c;
        pos += 1;
        size_t w2 = 1;
        decode_rune(rest, pos, &w2);
        word.append(rest.substr(pos, w2));
        pos += w2;
        continue;
      }
      word.append(ch);
      pos += w;
      continue;
    }
    // In quotes: the escape character works except inside single quotes.
    if (c == quote) phase = Phase::kWord;
    if (c == escape && quote != '\'') {
      if (pos + 1 == rest.size()) { phase = Phase::kWord; pos += 1; continue; }
      word += c;
      pos += 1;
      size_t w2 = 1;
      decode_rune(rest, pos, &w2);
      word.append(rest.substr(pos, w2));
      pos += w2;
      continue;
    }
    word.append(ch);
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
  enum class Phase { kSpaces, kWord, kQuote };
  Phase phase = Phase::kSpaces;
  std::string word;
  char quote = 0;
  bool blank_ok = false;
  for (size_t pos = 0; pos <= line.size(); ++pos) {
    char ch = pos < line.size() ? line[pos] : '\0';
    if (phase == Phase::kSpaces) {
      if (pos == line.size()) break;
      if (is_unicode_space(static_cast<unsigned char>(ch))) continue;
      if (ch != '-' || pos + 1 == line.size() || line[pos + 1] != '-') return line.substr(pos);
      phase = Phase::kWord;
    }
    if (pos == line.size()) {
      if (word != "--" && (blank_ok || !word.empty())) flags.push_back(word);
      break;
    }
    if (phase == Phase::kWord) {
      if (is_unicode_space(static_cast<unsigned char>(ch))) {
        phase = Phase::kSpaces;
        if (word == "--") return line.substr(pos);
        if (blank_ok || !word.empty()) flags.push_back(word);
        word.clear();
        blank_ok = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blank_ok = true;
        phase = Phase::kQuote;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == line.size()) continue;
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    if (ch == quote) {
      phase = Phase::kWord;
      continue;
    }
    if (ch == '\\') {
      if (pos + 1 == line.size()) {
        phase = Phase::kWord;
        continue;
      }
      ch = line[++pos];
    }
    word += ch;
  }
  return {};
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
