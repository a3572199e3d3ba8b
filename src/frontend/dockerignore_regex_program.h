#pragma once
// A compiled regular expression as a Thompson NFA program: the parser
// (dockerignore_regex_parse.cc) writes it, the DFA (dockerignore_regex.cc)
// runs it. Internal header.
#include <string_view>
#include <utility>
#include <vector>

namespace ocbuild::frontend::dockerignore {

// A set of runes as sorted, non-overlapping, non-adjacent closed ranges.
struct RuneSet {
  std::vector<std::pair<char32_t, char32_t>> ranges;

  void add(char32_t lo, char32_t hi) { ranges.emplace_back(lo, hi); }
  void add(const RuneSet& other) { ranges.insert(ranges.end(), other.ranges.begin(), other.ranges.end()); }
  void normalize();         // sort and merge
  RuneSet complement() const;  // over [0, 0x10FFFF]; call on a normalized set
  bool contains(char32_t c) const;
};

enum class Assertion { BeginText, EndText, WordBoundary, NotWordBoundary };

struct Inst {
  enum class Op { Rune, Split, Jmp, Assert, Match } op;
  int x = 0;        // Split/Jmp target; Rune: index into Program::sets
  int y = 0;        // Split second target
  Assertion assertion = Assertion::BeginText;
};

struct Program {
  std::vector<Inst> insts;
  std::vector<RuneSet> sets;
  int start = 0;
  bool uses_word_boundary = false;
};

// Parses Go regexp syntax (the subset described in dockerignore_regex.h).
// Throws ocbuild::Error (ErrorCode::Invalid) with Go's wording.
Program compile_regex(std::u32string_view expr);

inline bool is_word_rune(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

}  // namespace ocbuild::frontend::dockerignore
