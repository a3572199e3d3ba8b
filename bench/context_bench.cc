// Build-context hashing: generates a context of N files (default 20,000,
// 200 MB in all, 100 directories) and times, through BuildContext (select
// "." + digest_of + save_stat_cache):
//   cold   - stat cache empty: every file is read and hashed
//   warm   - stat cache filled, nothing changed: no file is read
//   warm+1 - one file changed: only it is read
// Targets: cold < 1 s, warm < 150 ms. Usage: context_bench [files] [MB]
// CONTEXT_BENCH_DIR=<dir>: generate there and keep it; a second run only
// times warm hashing of it (for profiling).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/solver/build_context.h"

namespace {

using Clock = std::chrono::steady_clock;

void generate(const std::string& root, size_t files, size_t total_bytes) {
  std::string chunk(total_bytes / files, 'x');
  for (size_t i = 0; i < files; ++i) {
    std::string dir = root + "/d" + std::to_string(i % 100);
    if (i < 100) ocbuild::make_dirs(dir);
    // Distinct content per file so nothing dedups.
    std::string body = std::to_string(i) + chunk;
    FILE* f = std::fopen((dir + "/f" + std::to_string(i) + ".dat").c_str(), "wb");
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
  }
}

struct Run {
  double ms;
  double phase[4];  // open (stat cache load), select (walk + lstat), digest, save
  double cpu_ms;    // user + system CPU of all threads (the machine may be shared)
  size_t read;
  std::string digest;
};

double cpu_ms() {
  struct rusage u;
  ::getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& tv) { return double(tv.tv_sec) * 1e3 + double(tv.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

double since(Clock::time_point& t) {
  auto now = Clock::now();
  double ms = std::chrono::duration<double, std::milli>(now - t).count();
  t = now;
  return ms;
}

Run hash_context(const std::string& ctx, const std::string& store) {
  Run r{};
  double cpu_start = cpu_ms();
  auto start = Clock::now(), t = start;
  auto context = ocbuild::solver::BuildContext::open(ctx, ctx + "/Dockerfile", store);
  r.phase[0] = since(t);
  auto selection = context.select({"."});
  r.phase[1] = since(t);
  auto digest = context.digest_of(selection);
  r.phase[2] = since(t);
  context.save_stat_cache();
  r.phase[3] = since(t);
  r.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  r.cpu_ms = cpu_ms() - cpu_start;
  r.read = context.files_read();
  r.digest = digest.digest.str();
  return r;
}

void report(const char* name, const Run& r, double target_ms) {
  std::printf("%-7s %7.1f ms (open %5.1f select %6.1f digest %6.1f save %5.1f; cpu %6.1f) read %5zu %.19s %s\n",
              name, r.ms, r.phase[0], r.phase[1], r.phase[2], r.phase[3], r.cpu_ms, r.read, r.digest.c_str(),
              r.ms <= target_ms ? "(target met)" : "(OVER TARGET)");
}

}  // namespace

int main(int argc, char** argv) {
  size_t files = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  size_t mb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200;
  ocbuild::TempDir tmp("ocbuild-context-bench-");
  std::string ctx = tmp.path() + "/ctx", store = tmp.path() + "/store";
  if (const char* keep = std::getenv("CONTEXT_BENCH_DIR")) {  // reuse a generated context (profiling)
    ctx = std::string(keep) + "/ctx", store = std::string(keep) + "/store";
    if (::access(ctx.c_str(), F_OK) == 0) {
      for (int i = 0; i < 3; ++i) report("warm", hash_context(ctx, store), 150);
      return 0;
    }
  }
  auto gen_start = Clock::now();
  generate(ctx, files, mb << 20);
  std::printf("generated %zu files, %zu MB in %.0f ms; %u threads\n", files, mb,
              std::chrono::duration<double, std::milli>(Clock::now() - gen_start).count(),
              std::max(1u, std::thread::hardware_concurrency()));
  ::usleep(1100 * 1000);  // past the stat cache's racy window (same second)
  report("cold", hash_context(ctx, store), 1000);
  report("warm", hash_context(ctx, store), 150);
  ocbuild::write_file_atomic(ctx + "/d7/f7.dat", "changed");
  ::usleep(1100 * 1000);
  report("warm+1", hash_context(ctx, store), 150);
  report("warm", hash_context(ctx, store), 150);
  return 0;
}
