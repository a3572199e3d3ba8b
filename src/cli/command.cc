#include "cli/command.h"

#include <algorithm>

#include "ocbuild/core/paths.h"

namespace ocbuild::cli {
namespace {
std::vector<RegisteredCommand>& mutable_commands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}
}  // namespace

// A child of a group is registered as "parent child" and always set up after
// every top-level command, whatever the static initialisation order.
RegisterCommand::RegisterCommand(std::string name, CommandSetup setup) {
  auto& cmds = mutable_commands();
  auto pos = cmds.end();
  if (name.find(' ') == std::string::npos)
    pos = std::find_if(cmds.begin(), cmds.end(), [](const auto& c) { return c.name.find(' ') != std::string::npos; });
  cmds.insert(pos, {std::move(name), std::move(setup)});
}

const std::vector<RegisteredCommand>& registered_commands() { return mutable_commands(); }

std::string GlobalOptions::store_root() const { return root.empty() ? default_store_root() : root; }

}  // namespace ocbuild::cli
