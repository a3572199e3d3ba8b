// Platform strings for --platform and the automatic platform ARGs, with
// containerd's normalisation (aarch64 -> arm64 without variant, armhf -> arm/v7).
#include <sys/utsname.h>

#include "ocbuild/frontend/build_plan.h"

namespace ocbuild::frontend {
namespace {

void normalize(Platform& p) {
  std::string& a = p.architecture;
  if (a == "x86_64" || a == "x86-64") a = "amd64";
  if (a == "i386" || a == "i686") a = "386";
  if (a == "aarch64") a = "arm64";
  if (a == "arm64" && (p.variant == "v8" || p.variant == "8")) p.variant.clear();
  if (a == "armhf") a = "arm", p.variant = "v7";
  if (a == "armel") a = "arm", p.variant = "v6";
  if (a == "arm" && p.variant.empty()) p.variant = "v7";
  if (a == "arm" && p.variant.size() == 1) p.variant = "v" + p.variant;
}

}  // namespace

Platform host_platform_spec() {
  Platform p;
  p.os = "linux";
  utsname u{};
  std::string machine = uname(&u) == 0 ? u.machine : "x86_64";
  if (machine.rfind("armv", 0) == 0) {
    p.architecture = "arm";
    p.variant = "v" + machine.substr(4, 1);
  } else {
    p.architecture = machine;
  }
  normalize(p);
  return p;
}

std::string format_platform(const Platform& p) {
  std::string s = p.os + "/" + p.architecture;
  if (!p.variant.empty()) s += "/" + p.variant;
  return s;
}

Platform parse_platform_spec(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool bad = parts.size() > 3;
  for (const auto& part : parts) bad = bad || part.empty();
  if (bad) throw Error(ErrorCode::Invalid, "invalid platform \"" + std::string(text) + "\" (expected os/arch[/variant])");
  Platform p;
  if (parts.size() == 1) {  // "arm64" means linux/arm64, as containerd reads it
    p.os = "linux";
    p.architecture = parts[0];
  } else {
    p.os = parts[0];
    p.architecture = parts[1];
    if (parts.size() == 3) p.variant = parts[2];
  }
  normalize(p);
  return p;
}

}  // namespace ocbuild::frontend
