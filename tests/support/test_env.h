#pragma once
// Helpers shared by the test binaries: where the conformance corpus and the
// ocbuild binary are, and small probes for optional capabilities.
#include <optional>
#include <string>

namespace ocbuild::testing {

// $OCBUILD_CONFORMANCE_DIR, else ../shared/conformance beside the checkout.
// Returns nullopt when the folder does not exist: callers GTEST_SKIP().
std::optional<std::string> conformance_dir();

// Path of the built ocbuild binary.
std::string ocbuild_binary();

// The checkout's top directory.
std::string source_dir();

// Runs a shell command, returns its exit status and captures stdout+stderr.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_command(const std::string& shell_command);

// True when `name` is found on PATH.
bool have_program(const std::string& name);

}  // namespace ocbuild::testing
