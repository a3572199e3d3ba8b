#include "support/busybox_rootfs.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "support/test_env.h"

namespace ocbuild::testing {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "app:x:1000:1000:app:/home/app:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
constexpr const char* kGroup =
    "root:x:0:\n"
    "users:x:100:app\n"
    "app:x:1000:\n"
    "nogroup:x:65534:\n";

}  // namespace

std::optional<std::string> static_busybox() {
  for (const char* p : {"/bin/busybox", "/usr/bin/busybox"})
    if (fs::exists(p)) return std::string(p);
  return std::nullopt;
}

void make_busybox_rootfs(const std::string& dir, const std::string& busybox) {
  auto list = run_command("'" + busybox + "' --list");
  if (list.status != 0) throw Error(ErrorCode::NotFound, busybox + " --list failed: " + list.output);
  for (const char* sub : {"/bin", "/etc", "/root", "/home/app", "/tmp", "/usr/bin", "/var"})
    make_dirs(dir + sub);
  fs::copy_file(busybox, dir + "/bin/busybox", fs::copy_options::overwrite_existing);
  ::chmod((dir + "/bin/busybox").c_str(), 0755);
  std::istringstream in(list.output);
  std::string applet;
  while (std::getline(in, applet)) {
    if (applet.empty() || applet == "busybox" || applet.find('/') != std::string::npos) continue;
    fs::path link = dir + "/bin/" + applet;
    if (!fs::is_symlink(link)) fs::create_symlink("busybox", link);
  }
  write_file_atomic(dir + "/etc/passwd", kPasswd);
  write_file_atomic(dir + "/etc/group", kGroup);
  ::chmod((dir + "/tmp").c_str(), 01777);
  ::chmod((dir + "/root").c_str(), 0700);
}

}  // namespace ocbuild::testing
