#pragma once
// .dockerignore with Docker's semantics (moby/patternmatcher and its
// ignorefile.ReadAll). In: the ignore file's text, or a pattern list (also
// COPY --exclude). Out: a PatternMatcher that says whether a context path
// ('/'-separated, relative to the context root) is excluded.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::frontend {

// Per-pattern results for a directory, handed down to its children so that
// a walk never re-matches parents (patternmatcher.MatchInfo).
struct MatchInfo {
  std::vector<bool> parent_matched;  // empty: nothing known about the parent
};

// A compiled pattern list. Construction (patternmatcher.New) trims each
// pattern, drops empty ones, applies filepath.Clean, takes a leading '!' as
// an exception and checks the glob syntax; it throws ocbuild::Error
// (ErrorCode::Invalid) with "syntax error in pattern" or
// `illegal exclusion pattern: "!"`, naming the pattern.
// Matching throws ocbuild::Error (ErrorCode::Invalid, "syntax error in
// pattern ...") when an evaluated pattern passed the glob check but is not a
// valid regexp (e.g. "[Local-Only]"), on every call, as upstream does.
// Not safe for concurrent use: matching fills per-pattern DFA caches.
class PatternMatcher {
 public:
  explicit PatternMatcher(const std::vector<std::string>& patterns);
  ~PatternMatcher();
  PatternMatcher(PatternMatcher&&) noexcept;
  PatternMatcher& operator=(PatternMatcher&&) noexcept;

  // True when the path or one of its parent directories is excluded, after
  // the exceptions are applied in order. The path is used as given.
  bool matches_or_parent_matches(std::string_view path) const;
  // The same without looking at parents.
  bool matches_exact(std::string_view path) const;
  // Upstream's deprecated Matches: checks the single parent of the pattern's
  // depth only. Kept for fidelity; prefer matches_or_parent_matches.
  bool matches(std::string_view path) const;
  // For a depth-first walk: `parent` is the MatchInfo of the path's directory
  // (empty for a top-level path); `out` receives this path's MatchInfo.
  bool matches_using_parent_results(std::string_view path, const MatchInfo& parent, MatchInfo& out) const;

  bool has_exclusions() const;          // any '!' pattern
  size_t size() const;                  // compiled (non-empty) patterns
  const std::string& pattern(size_t i) const;  // cleaned, without '!'
  bool is_exclusion(size_t i) const;
  std::vector<std::string> cleaned_patterns() const;  // exceptions with '!'

 private:
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> patterns_;
  bool exclusions_ = false;
};

// The error PatternMatcher would raise for this one pattern ("syntax error
// in pattern", `illegal exclusion pattern: "!"`), or nullopt when it is fine.
std::optional<std::string> check_pattern(std::string_view pattern);

// patternmatcher.MatchesOrParentMatches(file, patterns): cleans the path and
// never excludes the context root ".".
bool matches_or_parent_matches(std::string_view path, const std::vector<std::string>& patterns);
// patternmatcher.Matches(file, patterns), the deprecated variant.
bool matches(std::string_view path, const std::vector<std::string>& patterns);

// ignorefile.ReadAll: the patterns of a .dockerignore file's text. A UTF-8
// BOM is dropped from the first line, '#' starts a comment only in column 0,
// lines are trimmed, CRLF is accepted, patterns are cleaned and lose one
// leading '/'. Never throws; bad patterns are reported by PatternMatcher.
std::vector<std::string> read_dockerignore(std::string_view content);

struct DockerignoreFile {
  std::string path;                   // the file the patterns came from
  std::vector<std::string> patterns;  // as read_dockerignore returns them
  std::vector<int> lines;             // 1-based line of each pattern
};

// read_dockerignore, keeping the line number of each pattern.
DockerignoreFile parse_dockerignore(std::string path, std::string_view content);

// Compiles a file's patterns; a bad pattern throws ocbuild::Error
// (ErrorCode::Invalid) located at its file and line.
PatternMatcher compile_dockerignore(const DockerignoreFile& file);

// The ignore file for a build: "<Dockerfile path>.dockerignore" (e.g.
// "build/app.Dockerfile.dockerignore") wins over "<context>/.dockerignore".
// Returns nullopt when neither exists; throws ocbuild::Error (Io) when one
// exists but cannot be read.
std::optional<DockerignoreFile> load_dockerignore(const std::string& context_dir,
                                                  const std::string& dockerfile_path);

}  // namespace ocbuild::frontend
