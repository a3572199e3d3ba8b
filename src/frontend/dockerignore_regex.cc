// A lazily built DFA over the NFA program. A DFA state is the set of NFA
// positions reached before the epsilon closure (plus "at the beginning" and,
// only when \b or \B is used, "previous rune was a word rune"), so the
// assertions are resolved at the moment the next rune (or the end) is known.
#include "frontend/dockerignore_regex.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "frontend/dockerignore_regex_program.h"
#include "frontend/expand_utf8.h"

namespace ocbuild::frontend::dockerignore {
namespace {

constexpr int kUnknown = -1;
constexpr int kDead = -2;
constexpr size_t kMaxStates = 10000;  // the cache is dropped between runs beyond this

// Transitions on ASCII runes live in Impl::ascii (one flat table, for
// locality); others in `other`.
struct DState {
  std::vector<int> pcs;  // sorted
  bool at_begin = false;
  bool prev_word = false;
  std::unordered_map<char32_t, int> other;
  int accept_at_end = kUnknown;  // 0 or 1 once known
};

struct Context {
  bool at_begin, at_end, prev_word, next_word;
};

}  // namespace

struct Regex::Impl {
  Program prog;
  std::vector<DState> states;
  std::vector<int> ascii;  // states.size() * 128 transitions
  int start = kUnknown;
  std::unordered_map<std::string, int> index;
  std::vector<unsigned> mark;  // closure visit marks
  unsigned generation = 0;

  int state_for(std::vector<int>& pcs, bool at_begin, bool prev_word) {
    if (pcs.empty()) return kDead;
    std::sort(pcs.begin(), pcs.end());
    pcs.erase(std::unique(pcs.begin(), pcs.end()), pcs.end());
    if (!prog.uses_word_boundary) prev_word = false;
    std::string key(reinterpret_cast<const char*>(pcs.data()), pcs.size() * sizeof(int));
    key.push_back(static_cast<char>(at_begin));
    key.push_back(static_cast<char>(prev_word));
    auto [it, inserted] = index.emplace(std::move(key), static_cast<int>(states.size()));
    if (inserted) {
      DState d;
      d.pcs = pcs;
      d.at_begin = at_begin;
      d.prev_word = prev_word;
      states.push_back(std::move(d));
      ascii.resize(states.size() * 128, kUnknown);
    }
    return it->second;
  }

  bool assertion_holds(Assertion a, const Context& c) const {
    switch (a) {
      case Assertion::BeginText: return c.at_begin;
      case Assertion::EndText: return c.at_end;
      case Assertion::WordBoundary: return c.prev_word != c.next_word;
      case Assertion::NotWordBoundary: return c.prev_word == c.next_word;
    }
    return false;
  }

  // Epsilon closure of `from`; collects Rune and Match positions in `out`.
  void closure(const std::vector<int>& from, const Context& c, std::vector<int>& out) {
    if (++generation == 0) std::fill(mark.begin(), mark.end(), 0), generation = 1;
    std::vector<int> stack(from.rbegin(), from.rend());
    while (!stack.empty()) {
      int pc = stack.back();
      stack.pop_back();
      if (mark[pc] == generation) continue;
      mark[pc] = generation;
      const Inst& in = prog.insts[pc];
      switch (in.op) {
        case Inst::Op::Rune: case Inst::Op::Match: out.push_back(pc); break;
        case Inst::Op::Jmp: stack.push_back(in.x); break;
        case Inst::Op::Split: stack.push_back(in.y); stack.push_back(in.x); break;
        case Inst::Op::Assert:
          if (assertion_holds(in.assertion, c)) stack.push_back(pc + 1);
          break;
      }
    }
  }

  int compute_step(int s, char32_t r) {
    const bool word = is_word_rune(r);
    std::vector<int> reached;
    {
      const DState& d = states[s];
      closure(d.pcs, {d.at_begin, false, d.prev_word, word}, reached);
    }
    std::vector<int> next;
    for (int pc : reached) {
      const Inst& in = prog.insts[pc];
      if (in.op == Inst::Op::Rune && prog.sets[in.x].contains(r)) next.push_back(pc + 1);
    }
    return state_for(next, false, word);
  }

  int step(int s, char32_t r) {
    if (r < 128) {
      int t = ascii[static_cast<size_t>(s) * 128 + r];
      if (t == kUnknown) {
        t = compute_step(s, r);
        ascii[static_cast<size_t>(s) * 128 + r] = t;
      }
      return t;
    }
    auto it = states[s].other.find(r);
    if (it != states[s].other.end()) return it->second;
    int t = compute_step(s, r);
    states[s].other.emplace(r, t);
    return t;
  }

  bool accepts_at_end(int s) {
    if (states[s].accept_at_end == kUnknown) {
      const DState& d = states[s];
      std::vector<int> reached;
      closure(d.pcs, {d.at_begin, true, d.prev_word, false}, reached);
      bool ok = false;
      for (int pc : reached) ok = ok || prog.insts[pc].op == Inst::Op::Match;
      states[s].accept_at_end = ok ? 1 : 0;
    }
    return states[s].accept_at_end == 1;
  }

  int start_state() {
    if (states.size() > kMaxStates) {
      states.clear();
      ascii.clear();
      index.clear();
      start = kUnknown;
    }
    if (start == kUnknown) {
      std::vector<int> pcs{prog.start};
      start = state_for(pcs, true, false);
    }
    return start;
  }

  bool run(std::string_view text, const size_t* cuts, size_t ncuts) {
    int s = start_state();
    size_t ci = 0;
    for (size_t i = 0; i < text.size();) {
      while (ci < ncuts && cuts[ci] < i) ++ci;
      if (ci < ncuts && cuts[ci] == i && accepts_at_end(s)) return true;
      size_t w = 1;
      unsigned char b = static_cast<unsigned char>(text[i]);
      char32_t r = b < 0x80 ? b : utf8::decode(text, i, w);
      s = step(s, r);
      if (s == kDead) return false;
      i += w;
    }
    while (ci < ncuts && cuts[ci] < text.size()) ++ci;
    return ci < ncuts && accepts_at_end(s);
  }
};

Regex::Regex(std::string_view expr) : impl_(std::make_unique<Impl>()) {
  impl_->prog = compile_regex(utf8::decode_all(expr));
  impl_->mark.assign(impl_->prog.insts.size(), 0);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::full_match(std::string_view text) const {
  const size_t end = text.size();
  return impl_->run(text, &end, 1);
}

bool Regex::full_match_any_prefix(std::string_view text, const size_t* cuts, size_t ncuts) const {
  return impl_->run(text, cuts, ncuts);
}

}  // namespace ocbuild::frontend::dockerignore
