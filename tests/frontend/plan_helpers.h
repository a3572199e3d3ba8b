#pragma once
// Helpers for the build-plan tests: a fake ImageResolver (a map of refs to
// configs that records every call) and small accessors.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ocbuild/frontend/build_plan.h"

namespace ocbuild::frontend::testing {

class FakeResolver : public ImageResolver {
 public:
  FakeResolver() {
    ImageConfig busybox;
    busybox.os = "linux";
    busybox.architecture = "amd64";
    busybox.config.env = {"PATH=/bin:/usr/bin"};
    busybox.config.cmd = {"sh"};
    images["busybox"] = busybox;
    images["busybox:latest"] = busybox;
  }
  std::optional<ImageConfig> resolve_config(const std::string& ref, const Platform& platform) override {
    calls.push_back({ref, platform});
    auto it = images.find(ref);
    if (it == images.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, ImageConfig> images;
  std::vector<std::pair<std::string, Platform>> calls;
};

inline BuildPlan plan_text(const std::string& text, const PlanOptions& options = {}) {
  FakeResolver resolver;
  return plan(parse(text, "Dockerfile"), options, resolver);
}

inline Error plan_error(const std::string& text, const PlanOptions& options = {}) {
  try {
    plan_text(text, options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "plan succeeded: " << text;
  return Error(ErrorCode::Internal, "no error");
}

inline const Stage& target_stage(const BuildPlan& p) { return p.stages.at(p.target); }

inline std::string label(const BuildPlan& p, const std::string& key) {
  const auto& labels = target_stage(p).config.config.labels;
  auto it = labels.find(key);
  return it == labels.end() ? "<none>" : it->second;
}

// The value of `key` in a step's RUN environment, "<unset>" when absent.
inline std::string run_env(const Step& step, const std::string& key) {
  for (const auto& kv : step.run_environment())
    if (kv.rfind(key + "=", 0) == 0) return kv.substr(key.size() + 1);
  return "<unset>";
}

inline const Step& find_step(const Stage& stage, const std::string& keyword, int nth = 0) {
  for (const auto& s : stage.steps)
    if (s.keyword == keyword && nth-- == 0) return s;
  throw std::runtime_error("no step " + keyword);
}

}  // namespace ocbuild::frontend::testing
