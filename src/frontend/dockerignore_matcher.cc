// A port of moby/patternmatcher's PatternMatcher. Each pattern is classified
// once (exact, prefix, suffix or regexp, as upstream does), and a path and
// its parents are matched in one pass of the pattern's DFA when the parents
// are prefixes of the path, which they are for any clean path.
#include "ocbuild/frontend/dockerignore.h"

#include <array>

#include "frontend/dockerignore_path.h"
#include "frontend/dockerignore_pattern.h"
#include "frontend/dockerignore_regex.h"
#include "ocbuild/core/error.h"

namespace ocbuild::frontend {

using dockerignore::MatchType;

namespace {

// A clean relative path ("a/b/c": no "//", no "." or ".." part, no leading
// or trailing '/') is its own filepath.Clean, so its parents are exactly its
// prefixes up to each '/'.
bool is_clean_relative(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  size_t start = 0;
  for (size_t i = 0; i <= p.size(); ++i) {
    if (i < p.size() && p[i] != '/') continue;
    std::string_view part = p.substr(start, i - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = i + 1;
  }
  return true;
}

// The parents that upstream checks: the prefixes of Clean(Dir(file)).
class Cuts {  // a few offsets inline, more on the heap
 public:
  void push_back(size_t v) {
    if (n_ < inline_.size()) {
      inline_[n_++] = v;
      return;
    }
    if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
    heap_.push_back(v);
    ++n_;
  }
  const size_t* begin() const { return heap_.empty() ? inline_.data() : heap_.data(); }
  const size_t* end() const { return begin() + n_; }
  size_t size() const { return n_; }

 private:
  std::array<size_t, 24> inline_{};
  std::vector<size_t> heap_;
  size_t n_ = 0;
};

struct Parents {
  std::vector<std::string> paths;  // only when not all are prefixes
  Cuts cuts;                       // parent lengths, then the file's length
  bool all_prefixes = true;

  explicit Parents(std::string_view file) {
    if (is_clean_relative(file)) {
      for (size_t i = 0; i < file.size(); ++i) {
        if (file[i] == '/') cuts.push_back(i);
      }
      cuts.push_back(file.size());
      return;
    }
    std::string dir = dockerignore::go_dir(file);
    if (dir != ".") {
      std::string acc;
      auto parts = dockerignore::split_slash(dir);
      for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) acc += '/';
        acc += parts[i];
        paths.push_back(acc);
        if (file.substr(0, acc.size()) != acc) all_prefixes = false;
        cuts.push_back(acc.size());
      }
    }
    cuts.push_back(file.size());
    if (all_prefixes) paths.clear();
  }
};

}  // namespace

// The longest run of plain characters in a pattern made only of literals,
// '*', '?' and "**": its regexp is a plain concatenation, so every match
// contains that run. Patterns with classes, escapes or '^' (which the
// translation turns into regexp syntax) get no prefilter.
std::string required_literal(std::string_view pattern) {
  if (pattern.find_first_of("[]\\^") != std::string_view::npos) return "";
  std::string best, run;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*' || c == '?') {
      if (run.size() > best.size()) best = run;
      run.clear();
      if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
        ++i;
        if (i + 1 < pattern.size() && pattern[i + 1] == '/') ++i;  // "**/" eats its '/'
      }
      continue;
    }
    run.push_back(c);
  }
  return run.size() > best.size() ? run : best;
}

struct PatternMatcher::Compiled {
  std::string cleaned;
  bool exclusion = false;
  size_t depth = 0;  // number of '/'-separated parts (upstream's dirs)
  MatchType type = MatchType::Exact;
  std::optional<dockerignore::Regex> regex;
  std::string regex_error;
  std::string required_;  // a literal every match contains (a prefilter)

  void compile() {
    auto t = dockerignore::translate_pattern(cleaned);
    type = t.type;
    if (type != MatchType::Regexp) return;
    required_ = required_literal(cleaned);
    try {
      regex.emplace(t.regexp);
    } catch (const Error& e) {
      regex_error = e.message();  // reported whenever the pattern is used
    }
  }

  bool match(std::string_view path) const {
    switch (type) {
      case MatchType::Exact:
        return path == cleaned;
      case MatchType::Prefix:
        return path.substr(0, cleaned.size() - 2) == std::string_view(cleaned).substr(0, cleaned.size() - 2);
      case MatchType::Suffix: {
        std::string_view suffix = std::string_view(cleaned).substr(2);
        if (path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix) return true;
        return !suffix.empty() && suffix[0] == '/' && path == suffix.substr(1);
      }
      case MatchType::Regexp:
        if (!required_.empty() && path.find(required_) == std::string_view::npos) return false;
        return checked_regex().full_match(path);
    }
    return false;
  }

  // match(file) || match(any parent), in one pass where possible.
  bool match_or_parents(std::string_view file, const Parents& parents) const {
    if (!parents.all_prefixes) {
      if (match(file)) return true;
      for (const auto& p : parents.paths) {
        if (match(p)) return true;
      }
      return false;
    }
    switch (type) {
      case MatchType::Exact: {  // only the candidate of the pattern's length can be equal
        const size_t n = cleaned.size();
        for (size_t cut : parents.cuts) {
          if (cut == n) return file.compare(0, n, cleaned) == 0;
        }
        return false;
      }
      case MatchType::Prefix:  // the file is the longest candidate
        return match(file);
      case MatchType::Suffix:
        for (size_t cut : parents.cuts) {
          if (match(file.substr(0, cut))) return true;
        }
        return false;
      case MatchType::Regexp:
        // Every candidate is a prefix of the file: no literal, no match.
        if (!required_.empty() && file.find(required_) == std::string_view::npos) return false;
        return checked_regex().full_match_any_prefix(file, parents.cuts.begin(), parents.cuts.size());
    }
    return false;
  }

  const dockerignore::Regex& checked_regex() const {
    if (!regex) {
      throw Error(ErrorCode::Invalid, "syntax error in pattern \"" + cleaned + "\": " + regex_error);
    }
    return *regex;
  }
};

PatternMatcher::PatternMatcher(const std::vector<std::string>& patterns) {
  for (const auto& raw : patterns) {
    std::string_view p = dockerignore::go_trim_space(raw);
    if (p.empty()) continue;
    if (auto err = check_pattern(p)) throw Error(ErrorCode::Invalid, *err);
    std::string cleaned = dockerignore::go_clean(p);
    auto c = std::make_unique<Compiled>();
    if (cleaned[0] == '!') {
      c->exclusion = true;
      exclusions_ = true;
      cleaned.erase(0, 1);
    }
    c->cleaned = std::move(cleaned);
    c->depth = dockerignore::split_slash(c->cleaned).size();
    c->compile();
    patterns_.push_back(std::move(c));
  }
}

PatternMatcher::~PatternMatcher() = default;
PatternMatcher::PatternMatcher(PatternMatcher&&) noexcept = default;
PatternMatcher& PatternMatcher::operator=(PatternMatcher&&) noexcept = default;

bool PatternMatcher::matches_or_parent_matches(std::string_view path) const {
  const Parents parents(path);
  bool matched = false;
  for (const auto& p : patterns_) {
    // An inclusion is tried only while unmatched, an exception only while matched.
    if (p->exclusion != matched) continue;
    if (p->match_or_parents(path, parents)) matched = !p->exclusion;
  }
  return matched;
}

bool PatternMatcher::matches_exact(std::string_view path) const {
  bool matched = false;
  for (const auto& p : patterns_) {
    if (p->exclusion != matched) continue;
    if (p->match(path)) matched = !p->exclusion;
  }
  return matched;
}

bool PatternMatcher::matches(std::string_view path) const {
  const std::string parent = dockerignore::go_dir(path);
  const auto parent_dirs = dockerignore::split_slash(parent);
  bool matched = false;
  for (const auto& p : patterns_) {
    if (p->exclusion != matched) continue;
    bool m = p->match(path);
    if (!m && parent != "." && p->depth <= parent_dirs.size()) {
      std::string joined;
      for (size_t i = 0; i < p->depth; ++i) joined += (i ? "/" : "") + parent_dirs[i];
      m = p->match(joined);
    }
    if (m) matched = !p->exclusion;
  }
  return matched;
}

bool PatternMatcher::matches_using_parent_results(std::string_view path, const MatchInfo& parent,
                                                  MatchInfo& out) const {
  const auto& known = parent.parent_matched;
  if (!known.empty() && known.size() != patterns_.size()) {
    throw Error(ErrorCode::Internal, "wrong number of values in parent MatchInfo");
  }
  std::optional<Parents> parents;
  out.parent_matched.assign(patterns_.size(), false);
  bool matched = false;
  for (size_t i = 0; i < patterns_.size(); ++i) {
    const auto& p = *patterns_[i];
    bool m = !known.empty() && known[i];
    if (!m) {
      if (p.exclusion != matched) continue;
      if (known.empty()) {
        if (!parents) parents.emplace(path);
        m = p.match_or_parents(path, *parents);
      } else {
        m = p.match(path);
      }
    }
    out.parent_matched[i] = m;
    if (m) matched = !p.exclusion;
  }
  return matched;
}

bool PatternMatcher::has_exclusions() const { return exclusions_; }
size_t PatternMatcher::size() const { return patterns_.size(); }
const std::string& PatternMatcher::pattern(size_t i) const { return patterns_.at(i)->cleaned; }
bool PatternMatcher::is_exclusion(size_t i) const { return patterns_.at(i)->exclusion; }

std::vector<std::string> PatternMatcher::cleaned_patterns() const {
  std::vector<std::string> out;
  for (const auto& p : patterns_) out.push_back((p->exclusion ? "!" : "") + p->cleaned);
  return out;
}

std::optional<std::string> check_pattern(std::string_view pattern) {
  std::string_view p = dockerignore::go_trim_space(pattern);
  if (p.empty()) return std::nullopt;
  std::string cleaned = dockerignore::go_clean(p);
  if (cleaned == "!") return "illegal exclusion pattern: \"!\"";
  std::string_view glob = cleaned[0] == '!' ? std::string_view(cleaned).substr(1) : cleaned;
  if (!dockerignore::glob_syntax_ok(glob)) return "syntax error in pattern \"" + std::string(p) + "\"";
  return std::nullopt;
}

bool matches_or_parent_matches(std::string_view path, const std::vector<std::string>& patterns) {
  PatternMatcher pm(patterns);
  std::string file = dockerignore::go_clean(path);
  if (file == ".") return false;  // the context root is never excluded
  return pm.matches_or_parent_matches(file);
}

bool matches(std::string_view path, const std::vector<std::string>& patterns) {
  PatternMatcher pm(patterns);
  std::string file = dockerignore::go_clean(path);
  if (file == ".") return false;
  return pm.matches(file);
}

}  // namespace ocbuild::frontend
