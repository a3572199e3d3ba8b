// Instructions that only change the image config or the build variables:
// CMD ENTRYPOINT SHELL ENV LABEL ARG EXPOSE VOLUME USER WORKDIR STOPSIGNAL
// MAINTAINER.
#include "frontend/flags.h"
#include "frontend/lower_families.h"

namespace ocbuild::frontend {
namespace {

std::vector<KeyValue> key_values(const Node& node) {
  require_at_least_one(node);
  if (node.args.size() % 3 != 0) throw node_error(node, "Bad input to " + upper_keyword(node) + ", too many arguments");
  std::vector<KeyValue> out;
  for (size_t i = 0; i + 2 < node.args.size(); i += 3) {
    if (node.args[i].empty()) throw node_error(node, upper_keyword(node) + " names can not be blank");
    out.push_back(KeyValue{node.args[i], node.args[i + 1]});
  }
  return out;
}

ArgInstruction lower_arg(const Node& node) {
  require_at_least_one(node);
  ArgInstruction arg;
  for (const auto& word : node.args) {
    size_t eq = word.find('=');
    ArgDefinition def{word.substr(0, eq), std::nullopt};
    if (eq != std::string::npos) def.value = word.substr(eq + 1);
    if (def.name.empty()) throw node_error(node, "ARG names can not be blank", word);
    arg.args.push_back(std::move(def));
  }
  return arg;
}

InstructionValue lower_list(const Node& node, const std::string& cmd) {
  if (cmd == "cmd") return CmdInstruction{node.args, node.json};
  if (cmd == "entrypoint") return EntrypointInstruction{node.args, node.json};
  if (cmd == "shell") {
    if (!node.json) throw node_error(node, "SHELL requires the arguments to be in JSON form");
    require_at_least_one(node);
    return ShellInstruction{node.args};
  }
  if (cmd == "expose") {
    require_at_least_one(node);
    return ExposeInstruction{node.args};
  }
  require_at_least_one(node);  // volume
  for (const auto& p : node.args)
    if (p.empty() || p.find_first_not_of(" \t") == std::string::npos)
      throw node_error(node, "VOLUME specified can not be an empty string");
  return VolumeInstruction{node.args};
}

}  // namespace

InstructionValue lower_meta(const Node& node) {
  require_no_flags(node);
  std::string cmd = node.command();
  if (cmd == "env") return EnvInstruction{key_values(node)};
  if (cmd == "label") return LabelInstruction{key_values(node)};
  if (cmd == "arg") return lower_arg(node);
  if (cmd == "cmd" || cmd == "entrypoint" || cmd == "shell" || cmd == "expose" || cmd == "volume")
    return lower_list(node, cmd);
  require_exactly_one(node);
  const std::string& a = node.args[0];
  if (cmd == "user") return UserInstruction{a};
  if (cmd == "workdir") return WorkdirInstruction{a};
  if (cmd == "stopsignal") return StopSignalInstruction{a};
  return MaintainerInstruction{a};
}

}  // namespace ocbuild::frontend
