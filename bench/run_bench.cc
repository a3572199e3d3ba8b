// The fixed cost of one `RUN true` (namespace setup to exit), with an overlay
// root and with a plain directory: best and median of 50 runs each.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/executor.h"

namespace fs = std::filesystem;
using namespace ocbuild;
using namespace ocbuild::snapshot;

namespace {

constexpr int kRuns = 50;

void make_rootfs(const std::string& dir) {
  make_dirs(dir + "/bin");
  make_dirs(dir + "/etc");
  fs::copy_file("/bin/busybox", dir + "/bin/busybox");
  for (const char* applet : {"sh", "true"}) fs::create_symlink("busybox", dir + "/bin/" + applet);
}

void report(const char* name, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-8s RUN true: best %.2f ms, median %.2f ms, worst %.2f ms (%d runs)\n", name, ms.front(),
              ms[ms.size() / 2], ms.back(), kRuns);
}

template <typename MakeRoot>
std::vector<double> measure(Executor& executor, MakeRoot make_root) {
  std::vector<double> ms;
  for (int i = 0; i < kRuns; ++i) {
    RunSpec spec;
    spec.root = make_root(i);
    spec.argv = shell_argv({}, "true");
    auto start = std::chrono::steady_clock::now();
    RunResult r = executor.run(spec);
    auto end = std::chrono::steady_clock::now();
    if (!r.ok()) throw Error(ErrorCode::Internal, "RUN true failed");
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  return ms;
}

}  // namespace

int main() {
  try {
    if (auto why = probe_overlay()) {
      std::fprintf(stderr, "run_bench: %s\n", why->c_str());
      return 1;
    }
    TempDir tmp("ocbuild-bench-");
    std::string lower = tmp.path() + "/lower";
    make_rootfs(lower);
    Executor executor;
    report("plain", measure(executor, [&](int) { return RootFs{PlainRoot{lower}}; }));
    report("overlay", measure(executor, [&](int i) {
             std::string base = tmp.path() + "/run" + std::to_string(i);
             make_dirs(base + "/upper");
             make_dirs(base + "/work");
             return RootFs{OverlayRoot{{lower}, base + "/upper", base + "/work", std::nullopt}};
           }));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run_bench: %s\n", e.what());
    return 1;
  }
}
