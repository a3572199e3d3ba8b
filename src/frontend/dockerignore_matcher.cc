// A port of moby/patternmatcher's PatternMatcher. Each pattern is classified
// once (exact, prefix, suffix or regexp, as upstream does), and a path and
// its parents are matched in one pass of the pattern's DFA when the parents
// are prefixes of the path, which they are for any clean path.
#include "ocbuild/frontend/dockerignore.h"

#include "frontend/dockerignore_path.h"
#include "frontend/dockerignore_pattern.h"
#include "frontend/dockerignore_regex.h"
#include "ocbuild/core/error.h"

namespace ocbuild::frontend {

using dockerignore::MatchType;

namespace {

// The parents that upstream checks: the prefixes of Clean(Dir(file)).
struct Parents {
  std::vector<std::string> paths;
  std::vector<size_t> cuts;  // when every parent is a prefix of the file
  bool all_prefixes = true;

  explicit Parents(std::string_view file) {
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
  }
};

}  // namespace

struct PatternMatcher::Compiled {
  std::string cleaned;
  bool exclusion = false;
  size_t depth = 0;  // number of '/'-separated parts (upstream's dirs)
  MatchType type = MatchType::Exact;
  std::optional<dockerignore::Regex> regex;
  std::string regex_error;

  void compile() {
    auto t = dockerignore::translate_pattern(cleaned);
    type = t.type;
    if (type != MatchType::Regexp) return;
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
        return checked_regex().full_match(path);
    }
    return false;
  }

  bool match_or_parents(std::string_view file, const Parents& parents) const {
    if (type == MatchType::Regexp && parents.all_prefixes) {
      return checked_regex().full_match_any_prefix(file, parents.cuts);
    }
    if (match(file)) return true;
    for (const auto& p : parents.paths) {
      if (match(p)) return true;
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
    std::string cleaned = dockerignore::go_clean(p);
    auto c = std::make_unique<Compiled>();
    if (cleaned[0] == '!') {
      if (cleaned.size() == 1) throw Error(ErrorCode::Invalid, "illegal exclusion pattern: \"!\"");
      c->exclusion = true;
      exclusions_ = true;
      cleaned.erase(0, 1);
    }
    if (!dockerignore::glob_syntax_ok(cleaned)) {
      throw Error(ErrorCode::Invalid, "syntax error in pattern \"" + std::string(raw) + "\"");
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
