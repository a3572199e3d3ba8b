// Snapshot store costs per driver (run as root or as a user with userns):
//  - commit of a RUN that writes 10,000 small files (the diff and the layer
//    write, plus keeping the snapshot), and the RUN itself for reference;
//  - prepare + `RUN true` + commit on a busybox base (the per-step overhead).
// Best and median wall time of a few rounds each; uncompressed layers so the
// numbers are the snapshotter's, not gzip's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <vector>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_writer.h"
#include "ocbuild/snapshot/executor.h"
#include "ocbuild/snapshot/snapshot_store.h"

namespace fs = std::filesystem;
using namespace ocbuild;
using namespace ocbuild::snapshot;

namespace {

constexpr int kManyFilesRounds = 5;
constexpr int kTrueRounds = 20;

void bench_rounds(Driver driver);

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

LayerRef base_layer(ContentStore& store, const std::string& tmp) {
  std::string dir = tmp + "/rootfs";
  make_dirs(dir + "/bin");
  make_dirs(dir + "/etc");
  make_dirs(dir + "/tmp");
  fs::copy_file("/bin/busybox", dir + "/bin/busybox");
  for (const char* applet : {"sh", "true", "mkdir", "seq", "echo"}) fs::create_symlink("busybox", dir + "/bin/" + applet);
  exporter::LayerWriteOptions options;
  options.compression.compression = Compression::None;
  exporter::Layer layer = exporter::write_layer_from_dir(dir, options, tmp + "/base.tar");
  store.ingest_file(tmp + "/base.tar", layer.blob.digest);
  return LayerRef{layer.blob, layer.diff_id};
}

RunResult run_step(ActiveSnapshot& active, const std::string& command) {
  RunSpec spec;
  spec.root = active.root();
  spec.argv = shell_argv({}, command);
  RunResult r = run(spec);
  if (!r.ok()) throw Error(ErrorCode::Internal, "RUN failed: " + command);
  active.record(r);
  return r;
}

void report(const char* driver, const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-8s %-44s best %8.1f ms, median %8.1f ms (%zu rounds)\n", driver, what, ms.front(),
              ms[ms.size() / 2], ms.size());
}

void bench_driver(Driver driver) {
  double start = now_ms();
  {
    bench_rounds(driver);
  }
  std::printf("%-8s total with setup and clean-up: %.1f s\n", to_string(driver), (now_ms() - start) / 1000);
}

void bench_rounds(Driver driver) {
  TempDir tmp("ocbuild-snapbench-", "/var/tmp");
  ContentStore store(tmp.path() + "/store");
  LayerRef base = base_layer(store, tmp.path());
  SnapshotStore snapshots(store, driver);
  Digest parent = snapshots.unpack({base});
  exporter::LayerWriteOptions options;
  options.source_date_epoch = 1700000000;
  options.compression.compression = Compression::None;
  std::vector<double> prepare_ms, run_ms, commit_ms, step_ms;
  for (int i = 0; i < kManyFilesRounds; ++i) {
    double tp = now_ms();
    ActiveSnapshot active = snapshots.prepare(parent);
    double t0 = now_ms();
    prepare_ms.push_back(t0 - tp);
    run_step(active, "mkdir -p /data && cd /data && for i in $(seq 1 10000); do echo $i > f$i; done && echo " +
                         std::to_string(i) + " > /round");
    double t1 = now_ms();
    snapshots.commit(active, options);
    commit_ms.push_back(now_ms() - t1);
    run_ms.push_back(t1 - t0);
  }
  for (int i = 0; i < kTrueRounds; ++i) {
    double t0 = now_ms();
    ActiveSnapshot active = snapshots.prepare(parent);
    run_step(active, "true");
    snapshots.commit(active, options);
    step_ms.push_back(now_ms() - t0);
  }
  report(to_string(driver), "prepare on the busybox base", prepare_ms);
  report(to_string(driver), "RUN writing 10,000 files (the RUN alone)", run_ms);
  report(to_string(driver), "commit of those 10,000 files", commit_ms);
  report(to_string(driver), "prepare + RUN true + commit", step_ms);
}

}  // namespace

int main() {
  try {
    if (auto why = probe_userns()) {
      std::printf("skipped: %s\n", why->c_str());
      return 0;
    }
    if (auto why = probe_overlay()) std::printf("overlay skipped: %s\n", why->c_str());
    else bench_driver(Driver::Overlay);
    bench_driver(Driver::Native);
  } catch (const Error& e) {
    std::fprintf(stderr, "snapshot_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
