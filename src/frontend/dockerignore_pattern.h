#pragma once
// How patternmatcher classifies a cleaned pattern and the Go regexp it
// builds for it (Linux: separator '/'). Internal header.
#include <string>
#include <string_view>

namespace ocbuild::frontend::dockerignore {

enum class MatchType { Exact, Prefix, Suffix, Regexp };

struct Translation {
  MatchType type = MatchType::Exact;
  std::string regexp;  // "^...$", only meaningful for MatchType::Regexp
};

// `cleaned` is the pattern after trimming, filepath.Clean and removing '!'.
Translation translate_pattern(std::string_view cleaned);

const char* to_string(MatchType type);

}  // namespace ocbuild::frontend::dockerignore
