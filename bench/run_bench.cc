// The fixed cost of one `RUN true` (namespace setup to exit), with an overlay
// root and with a plain directory: best and median of 50 runs each, wall
// time and CPU time (ours plus the reaped RUN's), as the wall time of a
// loaded machine says little.
#include <sys/resource.h>
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

struct Samples {
  std::vector<double> wall_ms, cpu_ms;
};

double cpu_ms_now() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    ::getrusage(who, &ru);
    for (const timeval& tv : {ru.ru_utime, ru.ru_stime}) total += tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
  }
  return total;
}

void report(const char* name, Samples s) {
  std::sort(s.wall_ms.begin(), s.wall_ms.end());
  std::sort(s.cpu_ms.begin(), s.cpu_ms.end());
  std::printf("%-8s RUN true: wall best %.2f ms, median %.2f ms; cpu best %.2f ms, median %.2f ms (%d runs)\n",
              name, s.wall_ms.front(), s.wall_ms[s.wall_ms.size() / 2], s.cpu_ms.front(),
              s.cpu_ms[s.cpu_ms.size() / 2], kRuns);
}

template <typename MakeRoot>
Samples measure(Executor& executor, MakeRoot make_root) {
  Samples samples;
  for (int i = 0; i < kRuns; ++i) {
    RunSpec spec;
    spec.root = make_root(i);
    spec.argv = shell_argv({}, "true");
    double cpu_start = cpu_ms_now();
    auto start = std::chrono::steady_clock::now();
    RunResult r = executor.run(spec);
    auto end = std::chrono::steady_clock::now();
    if (!r.ok()) throw Error(ErrorCode::Internal, "RUN true failed");
    samples.wall_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    samples.cpu_ms.push_back(cpu_ms_now() - cpu_start);
  }
  return samples;
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
