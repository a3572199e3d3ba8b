#pragma once
// The CLI is a set of commands, one file each (cmd_*.cc). A command file
// registers itself with a static RegisterCommand; main() builds the CLI11 app
// from the registry. Commands only wire options to library calls.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ocbuild::cli {

// Options shared by every command.
struct GlobalOptions {
  std::string root;  // the store root; defaults to default_store_root()
  // The process exit status a command wants when it returns normally
  // (e.g. `diff` exits 1 when images differ).
  int exit_status = 0;

  std::string store_root() const;
};

using CommandSetup = std::function<void(CLI::App& app, GlobalOptions& globals)>;

// `name` is a top-level command ("build"), or "parent child" for a
// subcommand of a group ("debug graph"): children are set up after all
// top-level commands, so the setup finds its parent with app.get_subcommand().
struct RegisterCommand {
  RegisterCommand(std::string name, CommandSetup setup);
};

struct RegisteredCommand {
  std::string name;
  CommandSetup setup;
};
const std::vector<RegisteredCommand>& registered_commands();

}  // namespace ocbuild::cli
