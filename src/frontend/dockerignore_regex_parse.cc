// A parser for the part of Go's regexp/syntax (Perl flags) that
// patternmatcher's translation can emit, with Go's error cases, compiling
// straight to a Thompson NFA program.
#include <algorithm>
#include <string>

#include "frontend/dockerignore_regex_program.h"
#include "frontend/expand_utf8.h"
#include "ocbuild/core/error.h"

namespace ocbuild::frontend::dockerignore {

void RuneSet::normalize() {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<char32_t, char32_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges = std::move(merged);
}

RuneSet RuneSet::complement() const {
  RuneSet out;
  char32_t next = 0;
  for (const auto& [lo, hi] : ranges) {
    if (lo > next) out.add(next, lo - 1);
    next = hi + 1;
  }
  if (next <= 0x10FFFF) out.add(next, 0x10FFFF);
  return out;
}

bool RuneSet::contains(char32_t c) const {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(c, char32_t(0x7FFFFFFF)));
  return it != ranges.begin() && std::prev(it)->second >= c;
}

namespace {

struct Node {
  enum class Kind { Set, Concat, Star, Plus, Quest, Assert } kind = Kind::Concat;
  RuneSet set;
  Assertion assertion = Assertion::BeginText;
  std::vector<Node> kids;
};

Error regex_error(const std::string& what, std::u32string_view expr) {
  return Error(ErrorCode::Invalid, what + ": `" + utf8::encode(expr) + "`");
}

RuneSet perl_class(char32_t c) {
  RuneSet s;
  switch (c | 0x20) {
    case 'd': s.add('0', '9'); break;
    case 's': s.add('\t', '\n'); s.add('\f', '\r'); s.add(' ', ' '); break;
    default: s.add('0', '9'); s.add('A', 'Z'); s.add('_', '_'); s.add('a', 'z'); break;
  }
  s.normalize();
  return (c >= 'A' && c <= 'Z') ? s.complement() : s;
}

bool posix_class(std::u32string_view name, RuneSet& s) {
  static const struct { const char* name; const char* ranges; } kTable[] = {
      {"alnum", "09AZaz"}, {"alpha", "AZaz"}, {"ascii", "\x01\x7f"}, {"blank", "\t\t  "},
      {"cntrl", "\x01\x1f\x7f\x7f"}, {"digit", "09"}, {"graph", "!~"}, {"lower", "az"},
      {"print", " ~"}, {"punct", "!/:@[`{~"}, {"space", "\t\r  "}, {"upper", "AZ"},
      {"word", "09AZ__az"}, {"xdigit", "09AFaf"}};
  for (const auto& e : kTable) {
    if (utf8::encode(name) != e.name) continue;
    std::string r = e.ranges;
    for (size_t i = 0; i + 1 < r.size(); i += 2) s.add(static_cast<unsigned char>(r[i]), static_cast<unsigned char>(r[i + 1]));
    if (name == U"ascii" || name == U"cntrl") s.add(0, 0);  // NUL is in both
    return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::u32string_view expr) : s_(expr) {}

  Node parse() {
    Node n = parse_concat();
    if (pos_ < s_.size()) throw regex_error("unexpected )", s_);
    return n;
  }

 private:
  bool more() const { return pos_ < s_.size(); }
  char32_t peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : 0; }

  Node parse_concat();
  void apply_repeat(Node& concat, char32_t op);
  Node parse_class();
  void parse_escape_atom(Node& concat);
  char32_t parse_escape(bool in_class);
  char32_t parse_class_char();

  std::u32string_view s_;
  size_t pos_ = 0;
};

Node make_set(RuneSet s) {
  s.normalize();
  Node n;
  n.kind = Node::Kind::Set;
  n.set = std::move(s);
  return n;
}

Node make_literal(char32_t c) {
  RuneSet s;
  s.add(c, c);
  return make_set(std::move(s));
}

Node make_assert(Assertion a) {
  Node n;
  n.kind = Node::Kind::Assert;
  n.assertion = a;
  return n;
}

Node Parser::parse_concat() {
  Node concat;
  while (more() && peek() != ')') {
    char32_t c = peek();
    switch (c) {
      case '(': {
        if (peek(1) == '?') throw regex_error("unsupported group flags", s_);
        ++pos_;
        Node group = parse_concat();
        if (peek() != ')') throw regex_error("missing closing )", s_);
        ++pos_;
        concat.kids.push_back(std::move(group));
        break;
      }
      case '|':
        throw regex_error("unsupported alternation", s_);
      case '*': case '+': case '?':
        ++pos_;
        apply_repeat(concat, c);
        break;
      case '[':
        ++pos_;
        concat.kids.push_back(parse_class());
        break;
      case '.': {
        ++pos_;
        RuneSet s;
        s.add(0, '\n' - 1);
        s.add('\n' + 1, 0x10FFFF);
        concat.kids.push_back(make_set(std::move(s)));
        break;
      }
      case '^': ++pos_; concat.kids.push_back(make_assert(Assertion::BeginText)); break;
      case '$': ++pos_; concat.kids.push_back(make_assert(Assertion::EndText)); break;
      case '\\': ++pos_; parse_escape_atom(concat); break;
      default: ++pos_; concat.kids.push_back(make_literal(c)); break;
    }
  }
  return concat;
}

void Parser::apply_repeat(Node& concat, char32_t op) {
  if (concat.kids.empty()) throw regex_error("missing argument to repetition operator", s_.substr(pos_ - 1, 1));
  Node rep;
  rep.kind = op == '*' ? Node::Kind::Star : op == '+' ? Node::Kind::Plus : Node::Kind::Quest;
  rep.kids.push_back(std::move(concat.kids.back()));
  concat.kids.back() = std::move(rep);
  if (peek() == '?') ++pos_;  // non-greedy: the same set of matches
  char32_t n = peek();
  if (n == '*' || n == '+' || n == '?') throw regex_error("invalid nested repetition operator", s_.substr(pos_ - 1, 2));
}

void Parser::parse_escape_atom(Node& concat) {
  char32_t c = peek();
  switch (c) {
    case 'A': ++pos_; concat.kids.push_back(make_assert(Assertion::BeginText)); return;
    case 'z': ++pos_; concat.kids.push_back(make_assert(Assertion::EndText)); return;
    case 'b': ++pos_; concat.kids.push_back(make_assert(Assertion::WordBoundary)); return;
    case 'B': ++pos_; concat.kids.push_back(make_assert(Assertion::NotWordBoundary)); return;
    case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
      ++pos_;
      concat.kids.push_back(make_set(perl_class(c)));
      return;
    case 'Q': {
      ++pos_;
      while (more() && !(peek() == '\\' && peek(1) == 'E')) concat.kids.push_back(make_literal(s_[pos_++]));
      if (more()) pos_ += 2;
      return;
    }
    default:
      concat.kids.push_back(make_literal(parse_escape(false)));
  }
}

int unhex(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

// Go's parseEscape; pos_ is just past the backslash.
char32_t Parser::parse_escape(bool in_class) {
  const size_t begin = pos_ - 1;
  if (!more()) throw regex_error("trailing backslash at end of expression", U"");
  char32_t c = s_[pos_++];
  auto is_octal = [&] { return more() && peek() >= '0' && peek() <= '7'; };
  if (c < 0x80 && !std::isalnum(static_cast<int>(c))) return c;
  if ((c >= '1' && c <= '7' && is_octal()) || c == '0') {
    char32_t r = c - '0';
    for (int i = 1; i < 3 && is_octal(); ++i) r = r * 8 + (s_[pos_++] - '0');
    return r;
  }
  if (c == 'x' && more()) {
    if (peek() == '{') {
      ++pos_;
      char32_t r = 0;
      int digits = 0;
      while (more() && peek() != '}' && unhex(peek()) >= 0 && r <= 0x10FFFF) r = r * 16 + unhex(s_[pos_++]), ++digits;
      if (peek() == '}' && digits > 0 && r <= 0x10FFFF) {
        ++pos_;
        return r;
      }
    } else if (unhex(peek()) >= 0 && unhex(peek(1)) >= 0) {
      char32_t r = unhex(peek()) * 16 + unhex(peek(1));
      pos_ += 2;
      return r;
    }
  }
  switch (c) {
    case 'a': return 7;
    case 'f': return 12;
    case 'n': return 10;
    case 'r': return 13;
    case 't': return 9;
    case 'v': return 11;
    default: break;
  }
  (void)in_class;
  throw regex_error("invalid escape sequence", s_.substr(begin, pos_ - begin));
}

char32_t Parser::parse_class_char() {
  if (!more()) throw regex_error("missing closing ]", s_);
  char32_t c = s_[pos_++];
  return c == '\\' ? parse_escape(true) : c;
}

// pos_ is just past '['. Perl flags: '-' is literal anywhere it cannot make a
// range, ']' first is literal, and a negated class also matches newline.
Node Parser::parse_class() {
  const size_t begin = pos_ - 1;
  RuneSet set;
  bool negate = false;
  if (peek() == '^') negate = true, ++pos_;
  for (bool first = true; first || peek() != ']' || !more(); first = false) {
    if (!more()) throw regex_error("missing closing ]", s_.substr(begin));
    if (peek() == '[' && peek(1) == ':') {
      size_t end = s_.find(U":]", pos_ + 2);
      if (end != std::u32string_view::npos) {
        std::u32string_view name = s_.substr(pos_ + 2, end - pos_ - 2);
        bool neg = !name.empty() && name[0] == '^';
        RuneSet named;
        if (!posix_class(neg ? name.substr(1) : name, named)) {
          throw regex_error("invalid character class range", s_.substr(pos_, end + 2 - pos_));
        }
        named.normalize();
        set.add(neg ? named.complement() : named);
        pos_ = end + 2;
        continue;
      }
    }
    if (peek() == '\\' && std::u32string_view(U"dDsSwW").find(peek(1)) != std::u32string_view::npos) {
      set.add(perl_class(peek(1)));
      pos_ += 2;
      continue;
    }
    if (peek() == '\\' && (peek(1) == 'p' || peek(1) == 'P')) throw regex_error("unsupported Unicode class", s_);
    const size_t range_begin = pos_;
    char32_t lo = parse_class_char();
    char32_t hi = lo;
    if (pos_ + 1 < s_.size() && peek() == '-' && peek(1) != ']') {
      ++pos_;
      hi = parse_class_char();
      if (hi < lo) throw regex_error("invalid character class range", s_.substr(range_begin, pos_ - range_begin));
    }
    set.add(lo, hi);
  }
  ++pos_;  // ']'
  set.normalize();
  return make_set(negate ? set.complement() : std::move(set));
}

class Emitter {
 public:
  explicit Emitter(Program& p) : p_(p) {}

  void emit(const Node& n) {
    switch (n.kind) {
      case Node::Kind::Set:
        p_.sets.push_back(n.set);
        add({Inst::Op::Rune, static_cast<int>(p_.sets.size() - 1)});
        break;
      case Node::Kind::Concat:
        for (const auto& k : n.kids) emit(k);
        break;
      case Node::Kind::Assert: {
        Inst i{Inst::Op::Assert};
        i.assertion = n.assertion;
        if (n.assertion == Assertion::WordBoundary || n.assertion == Assertion::NotWordBoundary) {
          p_.uses_word_boundary = true;
        }
        add(i);
        break;
      }
      case Node::Kind::Star: {  // L: split body, out; body; jmp L
        int l = add({Inst::Op::Split});
        emit(n.kids[0]);
        add({Inst::Op::Jmp, l});
        p_.insts[l].x = l + 1;
        p_.insts[l].y = size();
        break;
      }
      case Node::Kind::Plus: {  // L: body; split L, out
        int l = size();
        emit(n.kids[0]);
        add({Inst::Op::Split, l, size() + 1});
        break;
      }
      case Node::Kind::Quest: {  // split body, out; body
        int l = add({Inst::Op::Split});
        emit(n.kids[0]);
        p_.insts[l].x = l + 1;
        p_.insts[l].y = size();
        break;
      }
    }
  }

  int size() const { return static_cast<int>(p_.insts.size()); }

 private:
  int add(Inst i) {
    p_.insts.push_back(i);
    return size() - 1;
  }
  Program& p_;
};

}  // namespace

Program compile_regex(std::u32string_view expr) {
  Node root = Parser(expr).parse();
  Program prog;
  Emitter e(prog);
  e.emit(root);
  prog.insts.push_back({Inst::Op::Match});
  prog.start = 0;
  return prog;
}

}  // namespace ocbuild::frontend::dockerignore
