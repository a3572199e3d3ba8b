#include "support/test_env.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace ocbuild::testing {

std::optional<std::string> conformance_dir() {
  const char* env = std::getenv("OCBUILD_CONFORMANCE_DIR");
  std::string dir = env && *env ? env : OCBUILD_DEFAULT_CONFORMANCE_DIR;
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  return std::filesystem::canonical(dir).string();
}

std::string ocbuild_binary() { return OCBUILD_BINARY; }

std::string source_dir() { return OCBUILD_SOURCE_DIR; }

CommandResult run_command(const std::string& shell_command) {
  CommandResult r;
  std::string cmd = shell_command + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

bool have_program(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null").status == 0;
}

}  // namespace ocbuild::testing
