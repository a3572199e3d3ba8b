#include "cli/command.h"

#include "ocbuild/core/paths.h"

namespace ocbuild::cli {
namespace {
std::vector<RegisteredCommand>& mutable_commands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}
}  // namespace

RegisterCommand::RegisterCommand(std::string name, CommandSetup setup) {
  mutable_commands().push_back({std::move(name), std::move(setup)});
}

const std::vector<RegisteredCommand>& registered_commands() { return mutable_commands(); }

std::string GlobalOptions::store_root() const { return root.empty() ? default_store_root() : root; }

}  // namespace ocbuild::cli
