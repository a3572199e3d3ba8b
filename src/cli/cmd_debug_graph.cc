// `ocbuild debug graph -f Dockerfile [--target T] [--build-arg K=V]...
// [--platform P]`: prints the build plan as JSON (stages, bases, steps with
// their expanded values, edges, kept stages, warnings). A base image found in
// the store contributes its config (ENV, ONBUILD...); any other image resolves
// to an empty config: nothing is pulled.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/image_ref.h"
#include "ocbuild/frontend/build_plan.h"

namespace ocbuild::cli {
namespace {
using nlohmann::ordered_json;
using namespace frontend;

// The store's config when it has the image, else an empty one. The store is
// only opened when it already exists: a debug command never creates one.
class StoreOrEmptyResolver : public ImageResolver {
 public:
  explicit StoreOrEmptyResolver(const std::string& root) {
    if (std::filesystem::exists(root + "/index.json")) store_.emplace(root);
  }
  std::optional<ImageConfig> resolve_config(const std::string& ref, const Platform& platform) override {
    if (store_) {
      if (auto found = resolve_image(*store_, parse_image_ref(ref)))
        return read_image(*store_, select_manifest(*store_, *found, platform)).config;
    }
    ImageConfig c;
    c.os = platform.os;
    c.architecture = platform.architecture;
    c.variant = platform.variant;
    return c;
  }

 private:
  std::optional<ContentStore> store_;
};

struct GraphOptions {
  std::string file = "Dockerfile";
  std::optional<std::string> target;
  std::vector<std::string> build_args;
  std::optional<std::string> platform;
};

ordered_json input_json(const InputRef& in) {
  return in.stage ? ordered_json{{"stage", *in.stage}} : ordered_json{{"image", in.image}};
}

ordered_json kv_json(const std::vector<KeyValue>& kvs) {
  ordered_json o = ordered_json::object();
  for (const auto& kv : kvs) o[kv.key] = kv.value;
  return o;
}

// The expanded words of a step, per instruction family.
ordered_json step_args(const Step& s) {
  return std::visit(
      [](const auto& v) -> ordered_json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, EnvInstruction>) return kv_json(v.vars);
        else if constexpr (std::is_same_v<T, LabelInstruction>) return kv_json(v.labels);
        else if constexpr (std::is_same_v<T, ArgInstruction>) {
          ordered_json o = ordered_json::object();
          for (const auto& a : v.args) o[a.name] = a.value ? ordered_json(*a.value) : ordered_json(nullptr);
          return o;
        } else if constexpr (std::is_same_v<T, CopyInstruction> || std::is_same_v<T, AddInstruction>) {
          ordered_json o{{"sources", v.sources}, {"dest", v.dest}};
          if (v.chown) o["chown"] = *v.chown;
          if (v.chmod) o["chmod"] = *v.chmod;
          return o;
        } else if constexpr (std::is_same_v<T, RunInstruction> || std::is_same_v<T, CmdInstruction> ||
                             std::is_same_v<T, EntrypointInstruction>) {
          return ordered_json{{"command", v.command}, {"json", v.json}};
        } else if constexpr (std::is_same_v<T, ExposeInstruction>) return v.ports;
        else if constexpr (std::is_same_v<T, VolumeInstruction>) return v.paths;
        else if constexpr (std::is_same_v<T, UserInstruction>) return v.user;
        else if constexpr (std::is_same_v<T, WorkdirInstruction>) return v.path;
        else if constexpr (std::is_same_v<T, StopSignalInstruction>) return v.signal;
        else if constexpr (std::is_same_v<T, ShellInstruction>) return v.shell;
        else if constexpr (std::is_same_v<T, OnbuildInstruction>) return v.expression;
        else return nullptr;
      },
      s.value);
}

ordered_json step_json(const Step& s) {
  ordered_json j{{"kind", s.keyword}, {"line", s.range.line}, {"original", s.original}, {"args", step_args(s)},
                 {"workdir", s.state.working_dir}, {"user", s.state.user}};
  if (s.keyword == "run") {
    j["shell"] = s.state.shell;
    j["env"] = s.state.env;
    j["run_args"] = kv_json(s.run_args);
    if (!s.proxy_env.empty()) j["proxy_env"] = kv_json(s.proxy_env);
    for (const auto& m : s.mount_from)
      if (m) j["mount_from"].push_back(input_json(*m));
  }
  if (s.from) j["from"] = input_json(*s.from);
  if (s.onbuild_trigger) j["onbuild_trigger"] = *s.onbuild_trigger;
  return j;
}

ordered_json plan_json(const BuildPlan& p) {
  ordered_json j{{"target", p.target}, {"kept", p.kept}, {"platform", format_platform(p.target_platform)},
                 {"stages", ordered_json::array()}, {"edges", ordered_json::array()}};
  for (const auto& s : p.stages) {
    ordered_json st{{"index", s.index}, {"name", s.name ? ordered_json(*s.name) : ordered_json(nullptr)},
                    {"line", s.range.line}, {"base", to_string(s.base_kind)}, {"kept", s.kept}};
    if (s.base_kind == BaseKind::kImage) st["image"] = s.base_image;
    if (s.base_stage) st["base_stage"] = *s.base_stage;
    st["platform"] = format_platform(s.platform);
    st["steps"] = ordered_json::array();
    for (const auto& step : s.steps) st["steps"].push_back(step_json(step));
    if (s.kept) st["config"] = {{"env", s.config.config.env}, {"workdir", s.config.config.working_dir},
                                {"user", s.config.config.user}, {"labels", s.config.config.labels}};
    j["stages"].push_back(std::move(st));
  }
  for (const auto& e : p.edges)
    j["edges"].push_back({{"stage", e.stage}, {"kind", to_string(e.kind)}, {"line", e.range.line},
                          {"input", input_json(e.input)}});
  j["warnings"] = ordered_json::array();
  for (const auto& w : p.warnings) j["warnings"].push_back(w.message);
  return j;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::io("cannot open " + path, errno);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run_graph(const GraphOptions& o, const std::string& root) {
  PlanOptions po;
  po.target = o.target;
  for (const auto& kv : o.build_args) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorCode::Invalid, "invalid --build-arg \"" + kv + "\" (expected KEY=VALUE)");
    po.build_args[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (o.platform) po.target_platform = parse_platform_spec(*o.platform);
  StoreOrEmptyResolver resolver(root);
  BuildPlan p = plan(parse(read_text(o.file), o.file), po, resolver);
  for (const auto& w : p.warnings) std::cerr << "warning: " << w.message << "\n";
  std::cout << plan_json(p).dump(2) << "\n";
}

RegisterCommand reg("debug graph", [](CLI::App& app, GlobalOptions& g) {
  auto opts = std::make_shared<GraphOptions>();
  auto* sub = app.get_subcommand("debug")->add_subcommand(
      "graph", "print the build plan of a Dockerfile as JSON (base images come from the store "
               "when it has them, else resolve to an empty config)");
  sub->add_option("-f,--file", opts->file, "the Dockerfile");
  sub->add_option("--target", opts->target, "the stage to build (name or index; default: the last)");
  sub->add_option("--build-arg", opts->build_args, "KEY=VALUE (repeatable)");
  sub->add_option("--platform", opts->platform, "the target platform (default: the host)");
  sub->callback([opts, &g] { run_graph(*opts, g.store_root()); });
});

}  // namespace
}  // namespace ocbuild::cli
