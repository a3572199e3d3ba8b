#pragma once
// Shell-word expansion with BuildKit's rules (frontend/dockerfile/shell). A
// Dockerfile word (ENV/ARG values, COPY paths, WORKDIR, USER, LABEL, FROM...)
// comes in with an environment; out comes the word with quotes removed,
// escapes applied and $VAR / ${VAR...} expanded, optionally split into words,
// plus the names it looked up (for cache keys and unused --build-arg warnings).
// This is not a shell: no command substitution, no globbing, no arithmetic.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend {

// Variables that are set; a present key with "" is set but empty.
using ShellEnv = std::map<std::string, std::string, std::less<>>;

// Builds a ShellEnv from "KEY=VALUE" entries: the last entry for a key wins,
// and an entry without '=' sets the key to "".
ShellEnv build_shell_env(const std::vector<std::string>& key_values);

struct ShellLexerOptions {
  char32_t escape_token = U'\\';    // '\\' or '`' (the `# escape=` directive)
  bool raw_quotes = false;          // keep the quote characters in the result
  bool raw_escapes = false;         // keep the escape characters in the result
  bool skip_process_quotes = false; // treat ' and " as ordinary characters
  bool skip_unset_env = false;      // leave references to unset names as written
};

struct ExpandResult {
  std::string word;                // ProcessWord: the whole processed string
  std::vector<std::string> words;  // ProcessWords: split on unquoted whitespace
  std::set<std::string> matched;   // referenced names that were set
  std::set<std::string> unmatched; // referenced names that were unset
};

// Stateless and cheap to copy; safe to use from several threads at once.
// Every failure throws ocbuild::Error with ErrorCode::Parse and a message
// "failed to process \"<word>\": <reason>" (e.g. "VAR: is not allowed to be
// unset", "syntax error: bad substitution").
class ShellLexer {
 public:
  explicit ShellLexer(char32_t escape_token = U'\\');
  explicit ShellLexer(ShellLexerOptions options);

  ExpandResult process(std::string_view word, const ShellEnv& env) const;
  std::string process_word(std::string_view word, const ShellEnv& env) const;
  std::vector<std::string> process_words(std::string_view word, const ShellEnv& env) const;

  const ShellLexerOptions& options() const { return options_; }

 private:
  ShellLexerOptions options_;
};

}  // namespace ocbuild::frontend
