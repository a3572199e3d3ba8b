#pragma once
// What a RUN step needs (RunSpec) and what it gives back (RunResult). The
// solver fills a RunSpec from the build plan; the snapshotter provides the root
// file system (a plain directory or overlay layers) and reads created_paths
// back to leave the executor's mount stubs out of the layer diff.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ocbuild::snapshot {

// A root file system that is a plain directory, changed in place.
struct PlainRoot {
  std::string dir;
};

// An overlay root: lower_dirs[0] is the topmost layer. The upper dir receives
// the changes (whiteouts are 0/0 character devices, opaque dirs an xattr).
struct OverlayRoot {
  std::vector<std::string> lower_dirs;
  std::string upper_dir;
  std::string work_dir;
  // user.overlay.* xattrs (opaque dirs) instead of trusted.overlay.*. The
  // default is on, even for host root: the overlay is mounted inside the RUN's
  // user namespace, where the kernel refuses trusted.* (rmdir gives EIO).
  std::optional<bool> userxattr;
};

using RootFs = std::variant<PlainRoot, OverlayRoot>;

enum class NetworkMode { Default, Host, None };

// An extra mount (RUN --mount, or the solver's own). Targets are resolved
// inside the root file system, so symlinks in the image cannot point out.
struct MountSpec {
  enum class Type { Bind, Tmpfs };
  Type type = Type::Bind;
  std::string source;  // Bind: host path
  std::string target;  // absolute path in the container
  bool read_only = false;
  std::string tmpfs_size;  // Tmpfs: e.g. "64m"; empty: the kernel default
};

using OutputFn = std::function<void(std::string_view line, bool is_stderr)>;
using WarningFn = std::function<void(std::string_view message)>;

struct RunSpec {
  RootFs root;
  std::vector<std::string> argv;  // argv[0] is looked up on the env's PATH
  std::vector<std::string> env;   // "KEY=value"; PATH and HOME get defaults
  std::string cwd = "/";          // created when missing
  std::string user;               // "", name, uid, uid:gid, name:group...
  NetworkMode network = NetworkMode::Default;
  std::string hostname = "buildkitsandbox";
  std::vector<MountSpec> mounts;
  OutputFn on_output;    // each line without its '\n'; may be empty
  WarningFn on_warning;  // setup warnings (single uid mapping, no /sys...)
  std::size_t tail_lines = 20;
};

struct RunResult {
  int exit_code = -1;  // when the process exited
  int signal = 0;      // when a signal ended it
  bool cancelled = false;
  std::vector<std::string> tail;  // the last output lines, both streams
  // Paths (absolute in the container) that did not exist and were created as
  // mount points, e.g. "/etc/hosts", "/proc": not part of the RUN's changes.
  std::vector<std::string> created_paths;

  bool ok() const { return !cancelled && signal == 0 && exit_code == 0; }
};

// ["/bin/sh", "-c"] + command: the shell form of RUN.
std::vector<std::string> shell_argv(const std::vector<std::string>& shell, const std::string& command);

}  // namespace ocbuild::snapshot
