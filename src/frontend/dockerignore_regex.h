#pragma once
// The regular expressions that moby/patternmatcher generates from a
// .dockerignore pattern, matched the way Go's regexp does. Only the syntax
// such a translation can produce is supported: literals and escapes, '.',
// bracket classes (ranges, negation, [:posix:], \d \s \w), groups, the
// repetitions * + ?, and the assertions ^ $ \A \z \b \B. \p{...} Unicode
// classes and alternation are rejected. Internal header.
//
// Matching runs a lazily built DFA over runes, so a path costs one table
// lookup per character. Not safe for concurrent use (the DFA is a cache).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend::dockerignore {

class Regex {
 public:
  // Throws ocbuild::Error (ErrorCode::Invalid) with Go's reason, e.g.
  // "invalid character class range: `l-O`", when `expr` does not compile.
  explicit Regex(std::string_view expr);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // True when the whole of `text` matches.
  bool full_match(std::string_view text) const;

  // True when text[0, cut) fully matches for any cut in `cuts` (byte offsets,
  // ascending, each at a rune boundary). One pass over the text.
  bool full_match_any_prefix(std::string_view text, const size_t* cuts, size_t ncuts) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocbuild::frontend::dockerignore
