// ocbuild's entry point: builds the CLI from the registered commands, runs
// one, and turns an ocbuild::Error into "file:line:col: message" and an exit
// status. `ocbuild [build options] CONTEXT` is the same as `ocbuild build ...`.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "ocbuild/core/error.h"

namespace {

bool is_command_name(const std::string& word) {
  const auto& cmds = ocbuild::cli::registered_commands();
  return std::any_of(cmds.begin(), cmds.end(), [&](const auto& c) { return c.name == word; });
}

// Inserts "build" when the first word is neither a command nor a global flag.
std::vector<std::string> normalize_args(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  while (i < args.size() && args[i] == "--root") i += 2;  // skip global options
  if (i < args.size() && !is_command_name(args[i]) && args[i] != "--help" && args[i] != "-h" &&
      args[i] != "--version" && is_command_name("build"))
    args.insert(args.begin() + static_cast<long>(i), "build");
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocbuild;
  CLI::App app{"ocbuild: a daemonless, rootless, reproducible OCI image builder"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ocbuild 0.1.0");
  cli::GlobalOptions globals;
  app.add_option("--root", globals.root, "store root (default: $OCBUILD_ROOT or ~/.local/share/ocbuild)");
  for (const auto& cmd : cli::registered_commands()) cmd.setup(app, globals);

  std::vector<std::string> args = normalize_args(argc, argv);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return exit_status_for(e.code());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return globals.exit_status;
}
