// The behavior/ cases about ARG/ENV/stage semantics, checked on the plan
// without running a build: success or the error text, the image config keys
// of the target stage, and the output of `RUN echo -n WORDS > FILE` / `RUN env
// > FILE` steps and the bodies of `COPY <<EOF FILE`, simulated by expanding WORDS with the step's RUN environment.
// A run whose note says it is a cache hit must instead have the same RUN
// cache-key inputs (run_args) as the run before it.
#include <nlohmann/json.hpp>

#include <regex>

#include "conformance_cases.h"
#include "ocbuild/frontend/shell_lexer.h"
#include "plan_helpers.h"

namespace ocbuild::frontend {
namespace {
using namespace testing;
using nlohmann::json;

const std::vector<std::string> kCases = {
    "arg-builtin-proxy", "arg-default-required", "arg-empty-vs-unset-in-env", "arg-global-in-from",
    "arg-global-required", "arg-multi", "arg-quoted-meta", "arg-targetstage", "copy-from-variable-error",
    "entrypoint-resets-inherited-cmd", "env-default-with-args", "env-percent-value", "expose-expansion", "labels",
    "multistage-copy-from-image", "multistage-copy-from-later-stage-error", "multistage-names-case-insensitive",
    "multistage-stage-shadows-image", "no-stages-error", "onbuild-heredoc", "onbuild-not-rerun-in-child-stage",
    "onbuild-triggers-cleared", "scratch-config-and-history", "scratch-default-shell-and-path",
    "target-not-found-error", "heredoc-var-substitution"};

std::string basename_of(const std::string& p) { return p.substr(p.find_last_of('/') + 1); }

// The files the simulated RUN steps of the kept stages write, by base name.
std::map<std::string, std::string> simulated_files(const BuildPlan& p) {
  static const std::regex echo(R"(^echo -n (.*) > (\S+)$)"), env(R"(^env > (\S+)$)");
  std::map<std::string, std::string> out;
  ShellLexer lexer;
  for (size_t i : p.kept)
    for (const auto& step : p.stages[i].steps) {
      if (const auto* copy = std::get_if<CopyInstruction>(&step.value); copy && copy->heredocs.size() == 1)
        out[basename_of(copy->dest)] = copy->heredocs[0].content;  // COPY <<EOF /dest/file
      const auto* run = std::get_if<RunInstruction>(&step.value);
      if (!run || run->json || run->command.size() != 1) continue;
      std::smatch m;
      if (std::regex_match(run->command[0], m, echo)) {
        out[basename_of(m[2])] = lexer.process_word(m[1].str(), build_shell_env(step.run_environment()));
      } else if (std::regex_match(run->command[0], m, env)) {
        std::string text;
        for (const auto& kv : step.run_environment()) text += kv + "\n";
        out[basename_of(m[1])] = text;
      }
    }
  return out;
}

json config_json(const ContainerConfig& c, const std::string& key) {
  auto list = [](const std::vector<std::string>& v) { return v.empty() ? json(nullptr) : json(v); };
  if (key == "Env") return list(c.env);
  if (key == "Cmd") return list(c.cmd);
  if (key == "Entrypoint") return list(c.entrypoint);
  if (key == "WorkingDir") return c.working_dir.empty() ? json(nullptr) : json(c.working_dir);
  if (key == "User") return c.user.empty() ? json(nullptr) : json(c.user);
  if (key == "Labels") return c.labels.empty() ? json(nullptr) : json(c.labels);
  json ports = json::object();
  for (const auto& p : c.exposed_ports) ports[p] = json::object();
  return c.exposed_ports.empty() ? json(nullptr) : ports;
}

void check_config(const BuildPlan& p, const json& build, const json& expect) {
  const ContainerConfig& c = target_stage(p).config.config;
  json config = expect.value("config", json::object()), labels = build.value("labels", json::object());
  for (const auto& [key, want] : config.items()) {
    json expected = want;
    // --label is added by the exporter, not the plan: only the Dockerfile's labels are checked.
    if (key == "Labels")
      for (const auto& [k, v] : labels.items()) expected.erase(k);
    EXPECT_EQ(config_json(c, key), expected) << key;
  }
  json includes = expect.value("config_env_includes", json::array());
  for (const auto& entry : includes)
    EXPECT_NE(std::find(c.env.begin(), c.env.end(), entry.get<std::string>()), c.env.end()) << entry;
}

void check_files(const BuildPlan& p, const json& expect) {
  auto files = simulated_files(p);
  json exact = expect.value("files", json::object()), contain = expect.value("files_contain", json::object()),
       not_contain = expect.value("files_not_contain", json::object());
  for (const auto& [path, want] : exact.items())
    if (files.count(basename_of(path))) {
      EXPECT_EQ(files[basename_of(path)], want.get<std::string>()) << path;
    }
  for (const auto& [path, parts] : contain.items())
    for (const auto& part : parts)
      if (files.count(basename_of(path))) {
        EXPECT_NE(files[basename_of(path)].find(part.get<std::string>()), std::string::npos) << path << part;
      }
  for (const auto& [path, parts] : not_contain.items())
    for (const auto& part : parts)
      if (files.count(basename_of(path))) {
        EXPECT_EQ(files[basename_of(path)].find(part.get<std::string>()), std::string::npos) << path << part;
      }
}

std::vector<std::vector<KeyValue>> run_keys(const BuildPlan& p) {
  std::vector<std::vector<KeyValue>> keys;
  for (size_t i : p.kept)
    for (const auto& s : p.stages[i].steps)
      if (s.keyword == "run") keys.push_back(s.run_args);
  return keys;
}

class PlanBehavior : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanBehavior, Case) {
  auto dir = ocbuild::testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  std::string base = "behavior/" + GetParam() + "/";
  json spec = json::parse(*read_conformance(base + "expect.json"));
  FakeResolver resolver;  // busybox; tagged results of earlier runs are added
  std::optional<std::vector<std::vector<KeyValue>>> previous_keys;
  for (const auto& run : spec["runs"]) {
    const json& build = run["build"];
    const json& expect = run["expect"];
    SCOPED_TRACE(build.dump());
    PlanOptions o;
    json args = build.value("build_args", json::object());
    for (const auto& [k, v] : args.items()) o.build_args[k] = v;
    if (build.contains("target")) o.target = build["target"].get<std::string>();
    auto text = read_conformance(base + build["dockerfile"].get<std::string>());
    ASSERT_TRUE(text);
    if (!expect["success"].get<bool>()) {
      try {
        plan(parse(*text, "Dockerfile"), o, resolver);
        ADD_FAILURE() << "plan succeeded";
      } catch (const Error& e) {
        json parts = expect.value("error_contains", json::array());
        for (const auto& part : parts)
          EXPECT_NE(std::string(e.what()).find(part.get<std::string>()), std::string::npos) << e.what();
      }
      continue;
    }
    BuildPlan p = plan(parse(*text, "Dockerfile"), o, resolver);
    check_config(p, build, expect);
    if (run.value("note", "").find("cache hit") != std::string::npos) {
      ASSERT_TRUE(previous_keys);
      EXPECT_EQ(run_keys(p).size(), previous_keys->size());
      for (size_t i = 0; i < run_keys(p).size(); ++i)
        for (size_t j = 0; j < run_keys(p)[i].size(); ++j)
          EXPECT_EQ(run_keys(p)[i][j].value, (*previous_keys)[i].at(j).value);
    } else {
      check_files(p, expect);
    }
    previous_keys = run_keys(p);
    if (build.contains("tag")) resolver.images[build["tag"].get<std::string>()] = target_stage(p).config;
  }
}

INSTANTIATE_TEST_SUITE_P(Conformance, PlanBehavior, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return case_name("", info.param).substr(1); });

}  // namespace
}  // namespace ocbuild::frontend
