#pragma once
// Reading `--progress plain` output in e2e tests.
#include <string>

namespace ocbuild::e2e {

// Whether the step whose header contains `step_text` ("#4 [2/3] RUN ...")
// was a cache hit ("#4 CACHED").
inline bool step_cached(const std::string& output, const std::string& step_text) {
  auto at = output.find(step_text);
  if (at == std::string::npos) return false;
  auto hash = output.rfind('#', at);
  auto num = output.substr(hash, output.find(' ', hash) - hash);
  return output.find(num + " CACHED") != std::string::npos;
}

}  // namespace ocbuild::e2e
