#!/usr/bin/env bash
# Build benchmark: `ocbuild build` against Debian's buildah (a reference
# tool only, installed by bench/ensure-buildah.sh; not a dependency of ocbuild) on the same
# busybox base (tests/make-busybox-image.sh, moved to buildah with
# `ocbuild save --format oci` and `buildah pull oci-archive:`).
#   BENCH_DIR=/tmp/ocbuild-buildbench BENCH_REPS=3 BENCH_GEN_REPS=1 BENCH_BIG_REPS=1 \
#   BENCH_TOOLS="ocbuild vfs overlay" BENCH_PROJECTS="hello bigctx" bench/build_bench.sh [build-dir]
# Projects: examples/hello, examples/multi-stage, a generated Dockerfile
# with 20 RUN steps around a COPY of 2,000 files, and a big generated context
# (20,000 files, 200 MB, deterministic content) built two ways: bigctx COPYs
# all of it, bigone COPYs one small file out of it (BENCH_PROJECTS picks).
# Scenarios:
#   cold     every step runs (--no-cache; the base is already local)
#   cached   the same build again: every step is a cache hit
#   changed  one context file changed: the steps from the COPY on run again
# Prints every repetition's wall time, then a table of medians with the
# ratio buildah/ocbuild, and the load average before and after (the machine
# is shared: read the times with it). For ocbuild also its CPU time (user +
# system, from /usr/bin/time) and the context cost it reports with
# --progress plain (select + hash, in ms), apart from the whole build.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
ocb="$build/ocbuild"
here=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ocb" ] || { echo "build the ocbuild target first" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/ocbuild-buildbench}
reps=${BENCH_REPS:-3}
gen_reps=${BENCH_GEN_REPS:-$reps}  # gen20 with buildah takes minutes per repetition
big_reps=${BENCH_BIG_REPS:-$reps}  # bigctx and bigone
tools=${BENCH_TOOLS:-ocbuild vfs overlay}
projects=${BENCH_PROJECTS:-hello multi-stage gen20 bigctx bigone}
source "$(dirname "$0")/ensure-buildah.sh"
command -v buildah >/dev/null || tools=ocbuild
# buildah leaves its storage mounts (overlay) behind: unmount what is under $dir.
unmount_all() { grep -o " $dir/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true; }
unmount_all
trap unmount_all EXIT
rm -rf "$dir"
mkdir -p "$dir"
store="$dir/ocbuild-store"
results="$dir/results.txt"
: > "$results"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
OCBUILD_ROOT="$store" bash "$here/tests/make-busybox-image.sh" "$ocb" busybox:latest >/dev/null
"$ocb" --root "$store" save --format oci -o "$dir/busybox.oci.tar" busybox:latest

# The projects: copies, so "changed" can edit a file.
mkdir -p "$dir/ctx"
cp -r "$here/examples/hello" "$dir/ctx/hello"
cp -r "$here/examples/multi-stage" "$dir/ctx/multi-stage"
gen="$dir/ctx/gen20"
mkdir -p "$gen/files"
for d in $(seq 0 19); do mkdir -p "$gen/files/d$d"; done
for i in $(seq 0 1999); do printf 'file %d\n' "$i" > "$gen/files/d$((i % 20))/f$i.txt"; done
{
  echo "FROM busybox:latest"
  for i in $(seq 1 10); do echo "RUN echo step $i > /step$i"; done
  echo "COPY files/ /files/"
  for i in $(seq 11 20); do echo "RUN echo step $i \$(ls /files | wc -l) > /step$i"; done
} > "$gen/Dockerfile"
# bigctx: 100 dirs x 200 files of 10,485 bytes (file number first, so no
# two are alike), plus small.txt; Dockerfile copies it all, Dockerfile.one
# only small.txt.
big="$dir/ctx/bigctx"
python3 - "$big" <<'PY'
import os, sys
root = sys.argv[1]
pad = bytes(range(256)) * 41
for i in range(20000):
    d = os.path.join(root, "files", "d%02d" % (i % 100))
    if i < 100: os.makedirs(d, exist_ok=True)
    head = b"file %d\n" % i
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(head + pad[: 10485 - len(head)])
with open(os.path.join(root, "small.txt"), "w") as f: f.write("small\n")
with open(os.path.join(root, "Dockerfile"), "w") as f: f.write("FROM busybox:latest\nCOPY files/ /files/\n")
with open(os.path.join(root, "Dockerfile.one"), "w") as f:
    f.write("FROM busybox:latest\nCOPY small.txt /small.txt\nRUN wc -c /small.txt > /size\n")
PY
changed_file() {
  case $1 in
    hello) echo hello.sh ;; multi-stage) echo text.txt ;; gen20) echo files/d7/f1007.txt ;;
    bigctx) echo files/d07/f00007.dat ;; bigone) echo small.txt ;;
  esac
}
# Context directory and Dockerfile of a project.
context_of() { case $1 in bigone) echo "$dir/ctx/bigctx" ;; *) echo "$dir/ctx/$1" ;; esac; }
dockerfile_of() { case $1 in bigone) echo Dockerfile.one ;; *) echo Dockerfile ;; esac; }

setup_buildah() {  # $1 = driver
  local b=(buildah --root "$dir/buildah-$1" --runroot "$dir/buildah-run-$1" --storage-driver "$1")
  local id
  id=$("${b[@]}" pull -q "oci-archive:$dir/busybox.oci.tar" 2>"$dir/buildah-$1.err") || return 1
  "${b[@]}" tag "$id" docker.io/library/busybox:latest localhost/busybox:latest 2>>"$dir/buildah-$1.err" || return 1
}

# One timed build; prints "wall-seconds cpu-seconds context-ms" (cpu and
# context for ocbuild only, else "-").
run_one() {  # tool project extra-flags
  local tool=$1 project=$2 flags=$3 start end ctx df cpu=- cost=-
  ctx=$(context_of "$project") df=$(dockerfile_of "$project")
  start=$(date +%s.%N)
  if [ "$tool" = ocbuild ]; then
    /usr/bin/time -f "cpu %U %S" -o "$dir/last.time" \
      "$ocb" --root "$store" build --progress plain $flags -f "$ctx/$df" -t "bench-$project" "$ctx" >"$dir/last.log" 2>&1
  else
    buildah --root "$dir/buildah-$tool" --runroot "$dir/buildah-run-$tool" --storage-driver "$tool" \
      bud --runtime runc --layers --pull=never $flags -f "$ctx/$df" -t "bench-$project" "$ctx" >"$dir/last.log" 2>&1
  fi || { echo "FAILED: $tool $project $flags" >&2; tail -20 "$dir/last.log" >&2; return 1; }
  end=$(date +%s.%N)
  if [ "$tool" = ocbuild ]; then
    cpu=$(awk '/^cpu/ { printf "%.3f", $2 + $3 }' "$dir/last.time")
    # "context: N entries selected in X ms, M files hashed (R read) in Y ms"
    cost=$(awk '/^context:/ { printf "%.1f", $6 + $(NF-1) }' "$dir/last.log")
    [ -n "$cost" ] || cost=-
  fi
  awk -v a="$start" -v b="$end" -v c="$cpu" -v k="$cost" 'BEGIN { printf "%.3f %s %s\n", b - a, c, k }'
}

active=""
for tool in $tools; do
  if [ "$tool" != ocbuild ] && ! setup_buildah "$tool"; then
    echo "buildah with $tool storage is not usable here: $(tail -1 "$dir/buildah-$tool.err")" >&2
    continue
  fi
  active="$active $tool"
done

for project in $projects; do
  n=$reps
  case $project in gen20) n=$gen_reps ;; bigctx | bigone) n=$big_reps ;; esac
  for rep in $(seq 1 "$n"); do
    for tool in $active; do
      cold=$(run_one "$tool" "$project" --no-cache) || continue
      cached=$(run_one "$tool" "$project" "") || continue
      echo "# $rep $(date +%s%N)" >> "$(context_of "$project")/$(changed_file "$project")"
      changed=$(run_one "$tool" "$project" "") || continue
      # columns: wall cpu context-ms, for cold, cached, changed
      printf '%s %s %s %s %s %s\n' "$project" "$tool" "$rep" "$cold" "$cached" "$changed" | tee -a "$results"
    done
  done
done
# bigctx cold for ocbuild once more with an empty stat cache (cold context
# hashing: --no-cache alone keeps the stat cache of the earlier builds).
if [[ " $active " == *" ocbuild "* && " $projects " == *" bigctx "* ]]; then
  rm -f "$store"/cache/statcache-*
  echo "bigctx ocbuild, empty stat cache: $(run_one ocbuild bigctx --no-cache) (wall cpu context-ms)" | tee "$dir/statcache-cold.txt"
  echo "bigctx ocbuild, stat cache warm:  $(run_one ocbuild bigctx --no-cache) (wall cpu context-ms)" | tee -a "$dir/statcache-cold.txt"
fi

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)   ($(nproc) cpus; $reps repetitions; median seconds)"
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {}
for p, t, _, *vals in rows:
    med.setdefault((p, t), []).append(vals)
tools = []
for _, t in med:
    if t not in tools: tools.append(t)
def median(p, t, col):
    vals = [float(v[col]) for v in med[(p, t)] if v[col] != "-"]
    return statistics.median(vals) if vals else float("nan")
hdr = f"{'project':<12} {'scenario':<8}" + "".join(f"{t:>9}" for t in tools) + "".join(
    f"{t + '/ocb':>12}" for t in tools if t != "ocbuild") + f"{'ocb cpu':>9}{'ctx ms':>8}"
print(hdr)
for p in dict.fromkeys(p for p, _ in med):
    for i, s in enumerate(["cold", "cached", "changed"]):
        m = {t: median(p, t, 3 * i) for t in tools if (p, t) in med}
        line = f"{p:<12} {s:<8}" + "".join(f"{m.get(t, float('nan')):>9.3f}" for t in tools)
        base = m.get("ocbuild")
        line += "".join(f"{(m[t] / base if base and t in m else float('nan')):>12.1f}" for t in tools if t != "ocbuild")
        if ("ocbuild" in tools) and (p, "ocbuild") in med:
            line += f"{median(p, 'ocbuild', 3 * i + 1):>9.3f}{median(p, 'ocbuild', 3 * i + 2):>8.1f}"
        print(line)
print("(seconds, medians; ocb cpu = ocbuild user+system seconds; ctx ms = ocbuild's context select+hash time)")
PY
[ -f "$dir/statcache-cold.txt" ] && cat "$dir/statcache-cold.txt"
exit 0
