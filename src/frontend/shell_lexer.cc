// A port of the semantics of BuildKit's frontend/dockerfile/shell/lex.go: the
// same scanner walk, the same quote/escape rules and the same error cases, so
// that every line of BuildKit's envVarTest/wordsTest gives the same answer.
#include "ocbuild/frontend/shell_lexer.h"

#include <optional>

#include "frontend/expand_pattern.h"
#include "frontend/expand_unicode.h"
#include "frontend/expand_utf8.h"
#include "ocbuild/core/error.h"

namespace ocbuild::frontend {
namespace {

constexpr int32_t kEof = -1;

Error lex_error(std::string message) { return Error(ErrorCode::Parse, std::move(message)); }

std::string rune_string(int32_t r) {
  std::string s;
  utf8::append(s, r < 0 ? utf8::kReplacement : static_cast<char32_t>(r));
  return s;
}

// Word splitting that runs alongside expansion (upstream's wordsStruct):
// whitespace from unquoted text and from unquoted $expansions splits words,
// quoted text never does, and an empty quoted string makes no word.
class Words {
 public:
  void add_char(char32_t ch) {
    if (unicode::is_space(ch)) {
      if (in_word_ && !word_.empty()) flush();
    } else {
      add_raw_char(ch);
    }
  }
  void add_raw_char(char32_t ch) {
    utf8::append(word_, ch);
    in_word_ = true;
  }
  void add_string(std::string_view s) {
    for (char32_t ch : utf8::decode_all(s)) add_char(ch);
  }
  void add_raw_string(std::string_view s) {
    word_ += s;
    in_word_ = true;
  }
  std::vector<std::string> take() {
    if (!word_.empty()) flush();
    return std::move(words_);
  }

 private:
  void flush() {
    words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }
  std::string word_;
  std::vector<std::string> words_;
  bool in_word_ = false;
};

struct Piece {
  std::string word;
  std::vector<std::string> words;
};

class ShellWord {
 public:
  ShellWord(const ShellLexerOptions& opts, std::string_view source, const ShellEnv& env,
            ExpandResult& out)
      : opts_(opts), env_(env), out_(out), raw_escapes_(opts.raw_escapes) {
    runes_ = utf8::decode_all(source);
    // Go's text/scanner drops a byte order mark at the very start.
    if (!runes_.empty() && runes_[0] == 0xFEFF) pos_ = 1;
  }

  Piece run() {
    auto piece = process_stop_on(kEof, raw_escapes_);
    return std::move(*piece);
  }

 private:
  int32_t peek() const { return pos_ < runes_.size() ? static_cast<int32_t>(runes_[pos_]) : kEof; }
  int32_t next() { return pos_ < runes_.size() ? static_cast<int32_t>(runes_[pos_++]) : kEof; }
  bool is_escape(int32_t ch) const { return ch == static_cast<int32_t>(opts_.escape_token); }

  std::optional<Piece> process_stop_on(int32_t stop, bool raw_escapes);
  std::string process_special(int32_t ch);
  std::string process_single_quote();
  std::string process_double_quote();
  std::string process_dollar();
  std::string process_braced();
  std::string process_modifier(const std::string& name, int32_t ch, std::string chs, bool null_is_unset);
  std::string process_substitution(const std::string& name);
  Piece stop_on_or_fail(int32_t stop, bool raw_escapes, const char* missing);
  std::string process_name();
  std::optional<std::string> get_env(const std::string& name);

  const ShellLexerOptions& opts_;
  const ShellEnv& env_;
  ExpandResult& out_;
  std::u32string runes_;
  size_t pos_ = 0;
  bool raw_escapes_;
};

// Returns nullopt when the input ends before `stop` (never for kEof).
std::optional<Piece> ShellWord::process_stop_on(int32_t stop, bool raw_escapes) {
  struct Restore {
    bool& flag;
    bool saved;
    ~Restore() { flag = saved; }
  } restore{raw_escapes_, raw_escapes_};
  raw_escapes_ = raw_escapes;

  std::string result;
  Words words;
  while (peek() != kEof) {
    int32_t ch = peek();
    if (stop != kEof && ch == stop) {
      next();
      return Piece{std::move(result), words.take()};
    }
    if (ch == '$' || (!opts_.skip_process_quotes && (ch == '\'' || ch == '"'))) {
      std::string tmp = process_special(ch);
      result += tmp;
      if (ch == '$') {
        words.add_string(tmp);
      } else {
        words.add_raw_string(tmp);
      }
      continue;
    }
    ch = next();
    if (is_escape(ch)) {
      if (raw_escapes_) {
        words.add_raw_char(ch);
        utf8::append(result, ch);
      }
      ch = next();  // the escape token escapes anything, except the end
      if (ch == kEof) break;
      words.add_raw_char(ch);
    } else {
      words.add_char(ch);
    }
    utf8::append(result, ch);
  }
  if (stop != kEof) return std::nullopt;
  return Piece{std::move(result), words.take()};
}

std::string ShellWord::process_special(int32_t ch) {
  if (ch == '$') return process_dollar();
  return ch == '\'' ? process_single_quote() : process_double_quote();
}

std::string ShellWord::process_single_quote() {
  // Everything up to the next ' is literal; a ' cannot be escaped inside.
  std::string result;
  int32_t ch = next();
  if (opts_.raw_quotes) utf8::append(result, ch);
  for (;;) {
    ch = next();
    if (ch == kEof) throw lex_error("unexpected end of statement while looking for matching single-quote");
    if (ch == '\'') {
      if (opts_.raw_quotes) utf8::append(result, ch);
      return result;
    }
    utf8::append(result, ch);
  }
}

std::string ShellWord::process_double_quote() {
  // Literal except $ expansions; the escape token escapes only " $ and itself.
  std::string result;
  int32_t ch = next();
  if (opts_.raw_quotes) utf8::append(result, ch);
  for (;;) {
    switch (peek()) {
      case kEof:
        throw lex_error("unexpected end of statement while looking for matching double-quote");
      case '"':
        ch = next();
        if (opts_.raw_quotes) utf8::append(result, ch);
        return result;
      case '$':
        result += process_dollar();
        break;
      default:
        ch = next();
        if (is_escape(ch)) {
          if (raw_escapes_) utf8::append(result, ch);
          int32_t p = peek();
          if (p == kEof) continue;  // a trailing escape is dropped
          if (p == '"' || p == '$' || is_escape(p)) ch = next();
        }
        utf8::append(result, ch);
    }
  }
}

std::string ShellWord::process_dollar() {
  next();  // '$'
  if (peek() != '{') {
    std::string name = process_name();
    if (name.empty()) return "$";
    auto value = get_env(name);
    if (!value && opts_.skip_unset_env) return "$" + name;
    return value.value_or("");
  }
  return process_braced();
}

std::string ShellWord::process_braced() {
  next();  // '{'
  int32_t p = peek();
  if (p == kEof) throw lex_error("syntax error: missing '}'");
  if (p == '{' || p == '}' || p == ':') throw lex_error("syntax error: bad substitution");
  std::string name = process_name();
  int32_t ch = next();
  if (ch == kEof) throw lex_error("syntax error: missing '}'");
  std::string chs = rune_string(ch);
  switch (ch) {
    case '}': {
      auto value = get_env(name);
      if (!value && opts_.skip_unset_env) return "${" + name + "}";
      return value.value_or("");
    }
    case ':':
      ch = next();
      if (ch != kEof) chs += rune_string(ch);
      return process_modifier(name, ch, chs, true);
    case '+':
    case '-':
    case '?':
    case '#':
    case '%':
      return process_modifier(name, ch, chs, false);
    case '/':
      return process_substitution(name);
    default:
      throw lex_error("unsupported modifier (" + chs + ") in substitution");
  }
}

// Reads up to `stop`. Like upstream, an error that leaves the input exhausted
// (the missing stop character, or a nested error at the end) is reported as
// the missing stop character.
Piece ShellWord::stop_on_or_fail(int32_t stop, bool raw_escapes, const char* missing) {
  try {
    auto piece = process_stop_on(stop, raw_escapes);
    if (piece) return std::move(*piece);
  } catch (const Error&) {
    if (peek() != kEof) throw;
  }
  throw lex_error(missing);
}

std::string ShellWord::process_modifier(const std::string& name, int32_t ch, std::string chs,
                                        bool null_is_unset) {
  const bool pattern_word = ch == '#' || ch == '%';
  if (pattern_word && null_is_unset) {  // ${V:#p} and ${V:%p} are not a thing
    throw lex_error("unsupported modifier (" + chs + ") in substitution");
  }
  std::string word = stop_on_or_fail('}', pattern_word, "syntax error: missing '}'").word;
  auto value = get_env(name);
  if (!value && opts_.skip_unset_env) return "${" + name + chs + word + "}";
  const bool unset = !value || (null_is_unset && value->empty());
  switch (ch) {
    case '-':
      return unset ? word : *value;
    case '+':
      return unset ? "" : word;
    case '?':
      if (!value) throw lex_error(name + ": " + (word.empty() ? "is not allowed to be unset" : word));
      if (unset) throw lex_error(name + ": " + (word.empty() ? "is not allowed to be empty" : word));
      return *value;
    case '#':
    case '%': {
      // '#'/'%' remove the shortest match, '##'/'%%' the longest.
      bool greedy = !word.empty() && word[0] == static_cast<char>(ch);
      if (greedy) word.erase(0, 1);
      const std::string& v = value ? *value : std::string();
      return ch == '%' ? expand::trim_suffix(word, v, greedy) : expand::trim_prefix(word, v, greedy);
    }
    default:
      break;
  }
  throw lex_error("unsupported modifier (" + chs + ") in substitution");
}

std::string ShellWord::process_substitution(const std::string& name) {
  const bool all = peek() == '/';
  if (all) next();
  std::string pattern = stop_on_or_fail('/', true, "syntax error: missing '/' in ${}").word;
  std::string replacement = stop_on_or_fail('}', true, "syntax error: missing '}'").word;
  auto value = get_env(name);
  if (!value && opts_.skip_unset_env) return "${" + name + "/" + pattern + "/" + replacement + "}";
  return expand::replace(pattern, value.value_or(""), replacement, all);
}

std::string ShellWord::process_name() {
  // A name is letters, digits and '_'; a leading digit reads a positional
  // parameter ($123), and a special parameter ($@ $# ...) is one character.
  std::string name;
  while (peek() != kEof) {
    auto ch = static_cast<char32_t>(peek());
    if (name.empty() && unicode::is_digit(ch)) {
      while (peek() != kEof && unicode::is_digit(static_cast<char32_t>(peek()))) utf8::append(name, next());
      return name;
    }
    if (name.empty() && unicode::is_special_param(ch)) {
      next();
      return rune_string(ch);
    }
    if (!unicode::is_letter(ch) && !unicode::is_digit(ch) && ch != '_') break;
    utf8::append(name, next());
  }
  return name;
}

std::optional<std::string> ShellWord::get_env(const std::string& name) {
  auto it = env_.find(name);
  if (it == env_.end()) {
    out_.unmatched.insert(name);
    return std::nullopt;
  }
  out_.matched.insert(name);
  return it->second;
}

std::string quote_for_message(std::string_view s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  return q + "\"";
}

}  // namespace

ShellEnv build_shell_env(const std::vector<std::string>& key_values) {
  ShellEnv env;
  for (const auto& kv : key_values) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      env[kv] = "";
    } else {
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  return env;
}

ShellLexer::ShellLexer(char32_t escape_token) { options_.escape_token = escape_token; }

ShellLexer::ShellLexer(ShellLexerOptions options) : options_(options) {}

ExpandResult ShellLexer::process(std::string_view word, const ShellEnv& env) const {
  ExpandResult result;
  try {
    ShellWord sw(options_, word, env, result);
    Piece piece = sw.run();
    result.word = std::move(piece.word);
    result.words = std::move(piece.words);
  } catch (const Error& e) {
    throw Error(ErrorCode::Parse, "failed to process " + quote_for_message(word) + ": " + e.message());
  }
  return result;
}

std::string ShellLexer::process_word(std::string_view word, const ShellEnv& env) const {
  return process(word, env).word;
}

std::vector<std::string> ShellLexer::process_words(std::string_view word, const ShellEnv& env) const {
  return process(word, env).words;
}

}  // namespace ocbuild::frontend
