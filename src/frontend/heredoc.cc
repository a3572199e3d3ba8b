// Heredoc openers. A line is cut into shell words the way BuildKit's lexer
// does with RawQuotes/RawEscapes/SkipUnsetEnv (quotes, escapes and $VARs kept;
// `<<` swallows the blanks after it), then each word is matched against
// `^(\d*)<<(-?)([^<]*)$`. Only the word splitting is done here: no expansion.
#include <cstdint>

#include "frontend/text_util.h"
#include "ocbuild/frontend/line_parsers.h"

namespace ocbuild::frontend {
namespace {

struct LexOptions {
  bool raw_quotes = false;
  bool raw_escapes = false;
};

class WordLexer {
 public:
  WordLexer(std::string_view s, LexOptions opt) : s_(s), opt_(opt) {}

  // The words, or nullopt on a lexing error (unterminated quote or ${).
  std::optional<std::vector<std::string>> run() {
    while (pos_ < s_.size()) {
      size_t w = 1;
      uint32_t cp = detail::decode_rune(s_, pos_, &w);
      char c = s_[pos_];
      bool ok = true;
      if (c == '\'') ok = single_quote();
      else if (c == '"') ok = double_quote();
      else if (c == '$') ok = dollar();
      else if (c == '<') possible_heredoc();
      else if (detail::is_unicode_space(cp)) { flush(); pos_ += w; }
      else if (c == '\\') escape();
      else { add(s_.substr(pos_, w)); pos_ += w; }
      if (!ok) return std::nullopt;
    }
    flush();
    return std::move(words_);
  }

 private:
  void add(std::string_view text) {
    word_.append(text);
    in_word_ = true;
  }
  void flush() {
    if (in_word_) words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }
  void escape() {
    ++pos_;
    if (opt_.raw_escapes) add("\\");
    if (pos_ >= s_.size()) return;
    size_t w = 1;
    detail::decode_rune(s_, pos_, &w);
    add(s_.substr(pos_, w));
    pos_ += w;
  }
  bool single_quote() {
    size_t end = s_.find('\'', pos_ + 1);
    if (end == std::string_view::npos) return false;
    if (opt_.raw_quotes) add(s_.substr(pos_, end - pos_ + 1));
    else add(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return true;
  }
  bool double_quote() {
    if (opt_.raw_quotes) add("\"");
    else add("");
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        if (opt_.raw_quotes) add("\"");
        ++pos_;
        return true;
      }
      if (c == '$') {
        if (!dollar()) return false;
        continue;
      }
      if (c == '\\' && pos_ + 1 < s_.size() &&
          (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '$' || s_[pos_ + 1] == '\\')) {
        if (opt_.raw_escapes) add("\\");
        ++pos_;
      }
      add(s_.substr(pos_, 1));
      ++pos_;
    }
    return false;
  }
  // Unset variables are kept as written; `${` must be closed.
  bool dollar() {
    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
      size_t end = s_.find('}', pos_ + 2);
      if (end == std::string_view::npos) return false;
      add(s_.substr(pos_, end - pos_ + 1));
      pos_ = end + 1;
      return true;
    }
    add("$");
    ++pos_;
    return true;
  }
  void possible_heredoc() {
    if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '<') {
      add("<");
      ++pos_;
      return;
    }
    size_t end = pos_ + 2;
    while (end < s_.size() && (s_[end] == ' ' || s_[end] == '\t')) ++end;
    add(s_.substr(pos_, end - pos_));
    pos_ = end;
  }

  std::string_view s_;
  LexOptions opt_;
  size_t pos_ = 0;
  std::string word_;
  bool in_word_ = false;
  std::vector<std::string> words_;
};

size_t count_quotes(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (c == '\'' || c == '"');
  return n;
}

}  // namespace

std::optional<Heredoc> parse_heredoc_word(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && word[i] >= '0' && word[i] <= '9') ++i;
  if (word.substr(i, 2) != "<<") return std::nullopt;
  std::string_view digits = word.substr(0, i);
  i += 2;
  bool chomp = i < word.size() && word[i] == '-';
  if (chomp) ++i;
  std::string_view rest = word.substr(i);
  if (rest.find('<') != std::string_view::npos || rest.empty()) return std::nullopt;

  auto words = WordLexer(rest, {}).run();
  if (!words) throw Error(ErrorCode::Parse, "unterminated quote in heredoc terminator " + std::string(rest));
  if (words->size() != 1) return std::nullopt;
  auto raw = WordLexer(rest, {true, false}).run();
  if (!raw || raw->size() != 1)
    throw Error(ErrorCode::Parse, "internal lexing of heredoc produced inconsistent results: " + std::string(rest));

  Heredoc h;
  h.name = (*words)[0];
  h.chomp = chomp;
  h.expand = count_quotes((*words)[0]) == count_quotes((*raw)[0]);
  uint64_t fd = 0;
  for (char c : digits) {
    fd = fd * 10 + static_cast<uint64_t>(c - '0');
    if (fd > UINT32_MAX) fd = UINT32_MAX;
  }
  h.fd = static_cast<unsigned>(fd);
  return h;
}

std::vector<Heredoc> heredocs_from_line(std::string_view line) {
  std::vector<Heredoc> docs;
  auto words = WordLexer(line, {true, true}).run();
  if (!words) return docs;
  for (const auto& word : *words)
    if (auto h = parse_heredoc_word(word)) docs.push_back(std::move(*h));
  return docs;
}

std::string chomp_heredoc_content(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  bool line_start = true;
  for (char c : content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out += c;
  }
  return out;
}

}  // namespace ocbuild::frontend
