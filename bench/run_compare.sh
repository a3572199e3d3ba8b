#!/usr/bin/env bash
# RUN cost: ocbuild's executor and snapshotter against Debian's buildah (a
# reference tool only, installed by bench/ensure-buildah.sh; not a dependency of ocbuild)
# on the same busybox base (tests/make-busybox-image.sh, moved to buildah with
# `ocbuild save --format oci` and `buildah from oci-archive:`).
#   BENCH_DIR=/tmp/ocbuild-runcompare BENCH_TRUE_RUNS=20 BENCH_FILE_RUNS=3 \
#   BENCH_DRIVER=overlay bench/run_compare.sh [build-dir]
# ocbuild: build/bench/run_bench (`RUN true` on an overlay root and on a
# plain dir) and build/bench/snapshot_bench (prepare + RUN true + commit, and
# a RUN writing 10,000 files then its commit, per driver).
# buildah: `buildah run --runtime runc $ctr true` (best and median of
# BENCH_TRUE_RUNS), and `buildah run $ctr sh -c '<write 10,000 files>'` then
# `buildah commit` on a fresh container (BENCH_FILE_RUNS rounds).
# Prints a table with the ratios buildah/ocbuild and the load average before
# and after: the machine may be shared, so read the times with it.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
ocb="$build/ocbuild"
here=$(cd "$(dirname "$0")/.." && pwd)
for b in "$ocb" "$build/bench/run_bench" "$build/bench/snapshot_bench"; do
  [ -x "$b" ] || { echo "build the ocbuild, run_bench and snapshot_bench targets first ($b)" >&2; exit 2; }
done
dir=${BENCH_DIR:-/tmp/ocbuild-runcompare}
true_runs=${BENCH_TRUE_RUNS:-20}
file_runs=${BENCH_FILE_RUNS:-3}
driver=${BENCH_DRIVER:-overlay}
results="$dir/results.txt"

# buildah leaves its storage mounts behind: unmount what is under $dir.
unmount_all() { grep -o " $dir/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true; }
unmount_all
rm -rf "$dir"
mkdir -p "$dir"
: > "$results"
now() { date +%s.%N; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'; }
record() { echo "$*" | tee -a "$results"; }  # tool what milliseconds

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $load_before"

# --- ocbuild: the two benchmark programs, their best/median lines kept ---
"$build/bench/run_bench" | tee "$dir/run_bench.txt"
"$build/bench/snapshot_bench" | tee "$dir/snapshot_bench.txt"

# --- buildah ---
have_buildah=1
source "$(dirname "$0")/ensure-buildah.sh"
command -v buildah >/dev/null || have_buildah=0
command -v runc >/dev/null || have_buildah=0
if [ $have_buildah = 1 ]; then
  trap unmount_all EXIT
  store="$dir/ocbuild-store"
  OCBUILD_ROOT="$store" bash "$here/tests/make-busybox-image.sh" "$ocb" busybox:latest >/dev/null
  "$ocb" --root "$store" save --format oci -o "$dir/busybox.oci.tar" busybox:latest
  B=(buildah --root "$dir/buildah" --runroot "$dir/buildah-run" --storage-driver "$driver")
  "${B[@]}" pull -q "oci-archive:$dir/busybox.oci.tar" > "$dir/image-id" 2> "$dir/buildah.err" ||
    { echo "buildah cannot use $driver storage here: $(tail -1 "$dir/buildah.err")" >&2; have_buildah=0; }
fi
if [ $have_buildah = 1 ]; then
  image=$(cat "$dir/image-id")
  ctr=$("${B[@]}" from --pull=never "$image")
  "${B[@]}" run --runtime runc "$ctr" true  # first run: runc and storage warmed up, not timed
  for i in $(seq 1 "$true_runs"); do
    t=$(now)
    "${B[@]}" run --runtime runc "$ctr" true
    record buildah true "$(ms_since "$t")"
  done
  "${B[@]}" rm "$ctr" >/dev/null
  write='mkdir -p /data && cd /data && for i in $(seq 1 10000); do echo $i > f$i; done'
  for i in $(seq 1 "$file_runs"); do
    ctr=$("${B[@]}" from --pull=never "$image")
    t=$(now)
    "${B[@]}" run --runtime runc "$ctr" sh -c "$write"
    record buildah files-run "$(ms_since "$t")"
    t=$(now)
    "${B[@]}" commit -q --disable-compression "$ctr" "files-$i" >/dev/null
    record buildah files-commit "$(ms_since "$t")"
    "${B[@]}" rm "$ctr" >/dev/null
  done
else
  echo "buildah (with runc) is not usable here: only ocbuild's numbers follow" >&2
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "load average before: $load_before   after: $load_after   ($(nproc) cpus)"
python3 - "$dir" "$driver" <<'PY'
import re, statistics, sys
d, driver = sys.argv[1], sys.argv[2]
ours = {}
# run_bench:      "overlay  RUN true: wall best 7.70 ms, median 9.10 ms; ..."
for m in re.finditer(r"^(\w+)\s+RUN true: wall best ([\d.]+) ms, median ([\d.]+) ms", open(d + "/run_bench.txt").read(), re.M):
    ours[(m[1], "RUN true")] = (float(m[2]), float(m[3]))
# snapshot_bench: "overlay  <what>   best  25.8 ms, median  30.1 ms (20 rounds)"
for m in re.finditer(r"^(\w+)\s+(.+?)\s+best\s+([\d.]+) ms, median\s+([\d.]+) ms", open(d + "/snapshot_bench.txt").read(), re.M):
    ours[(m[1], m[2].strip())] = (float(m[3]), float(m[4]))
theirs = {}
for line in open(d + "/results.txt"):
    tool, what, ms = line.split()
    theirs.setdefault(what, []).append(float(ms))
def stat(v): return (min(v), statistics.median(v)) if v else None
def row(name, o, t):
    ob = f"{o[0]:9.1f} {o[1]:9.1f}" if o else f"{'-':>9} {'-':>9}"
    tb = f"{t[0]:9.1f} {t[1]:9.1f}" if t else f"{'-':>9} {'-':>9}"
    ratio = f"{t[0] / o[0]:8.1f}x {t[1] / o[1]:8.1f}x" if o and t and o[0] > 0 else f"{'-':>9} {'-':>9}"
    print(f"{name:<34} {ob}  {tb}  {ratio}")
print(f"{'milliseconds':<34} {'ours best':>9} {'median':>9}  {'buildah':>9} {'median':>9}  {'best b/o':>9} {'med b/o':>9}")
runs_true = stat(theirs.get("true", []))
fr, fc = theirs.get("files-run", []), theirs.get("files-commit", [])
both = stat([a + b for a, b in zip(fr, fc)])
for drv in ("overlay", "native"):
    plain = "overlay" if drv == "overlay" else "plain"
    row(f"{drv}: RUN true", ours.get((plain, "RUN true")), runs_true)
    row(f"{drv}: prepare + RUN true + commit", ours.get((drv, "prepare + RUN true + commit")), runs_true)
    o_run = ours.get((drv, "RUN writing 10,000 files (the RUN alone)"))
    o_commit = ours.get((drv, "commit of those 10,000 files"))
    row(f"{drv}: RUN writing 10,000 files", o_run, stat(fr))
    row(f"{drv}: commit of the 10,000 files", o_commit, stat(fc))
    if o_run and o_commit:
        row(f"{drv}: 10,000 files, RUN + commit", (o_run[0] + o_commit[0], o_run[1] + o_commit[1]), both)
print(f"buildah: --storage-driver {driver}, runc; 'prepare + RUN true + commit' is compared with"
      " a bare `buildah run true` (buildah's container already exists).")
PY
