#include "ocbuild/core/paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "ocbuild/core/error.h"

namespace ocbuild {

std::string default_store_root() {
  if (const char* r = std::getenv("OCBUILD_ROOT"); r && *r) return r;
  if (::geteuid() == 0) return "/var/lib/ocbuild";
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/ocbuild";
  const char* home = std::getenv("HOME");
  std::string h = home && *home ? home : "";
  if (h.empty()) {
    if (passwd* pw = ::getpwuid(::geteuid())) h = pw->pw_dir;
  }
  return h + "/.local/share/ocbuild";
}

void make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw Error(ErrorCode::Io, "create directory " + path + ": " + ec.message()).with_errno(ec.value());
}

}  // namespace ocbuild
