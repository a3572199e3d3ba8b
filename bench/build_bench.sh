#!/usr/bin/env bash
# Build benchmark: `ocbuild build` against Debian's buildah (a reference
# tool only: apt-get install buildah; not a dependency of ocbuild) on the same
# busybox base (tests/make-busybox-image.sh, moved to buildah with
# `ocbuild save --format oci` and `buildah pull oci-archive:`).
#   BENCH_DIR=/tmp/ocbuild-buildbench BENCH_REPS=3 BENCH_GEN_REPS=1 BENCH_TOOLS="ocbuild vfs overlay" bench/build_bench.sh [build-dir]
# Projects: examples/hello, examples/multi-stage, and a generated Dockerfile
# with 20 RUN steps around a COPY of 2,000 files. Scenarios:
#   cold     every step runs (--no-cache; the base is already local)
#   cached   the same build again: every step is a cache hit
#   changed  one context file changed: the steps from the COPY on run again
# Prints every repetition's wall time, then a table of medians with the
# ratio buildah/ocbuild, and the load average before and after (the machine
# is shared: read the times with it).
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
ocb="$build/ocbuild"
here=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ocb" ] || { echo "build the ocbuild target first" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/ocbuild-buildbench}
reps=${BENCH_REPS:-3}
gen_reps=${BENCH_GEN_REPS:-$reps}  # gen20 with buildah takes minutes per repetition
tools=${BENCH_TOOLS:-ocbuild vfs overlay}
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
changed_file() {
  case $1 in
    hello) echo hello.sh ;; multi-stage) echo text.txt ;; gen20) echo files/d7/f1007.txt ;;
  esac
}

setup_buildah() {  # $1 = driver
  local b=(buildah --root "$dir/buildah-$1" --runroot "$dir/buildah-run-$1" --storage-driver "$1")
  local id
  id=$("${b[@]}" pull -q "oci-archive:$dir/busybox.oci.tar" 2>"$dir/buildah-$1.err") || return 1
  "${b[@]}" tag "$id" docker.io/library/busybox:latest localhost/busybox:latest 2>>"$dir/buildah-$1.err" || return 1
}

# One timed build; prints seconds.
run_one() {  # tool project extra-flags
  local tool=$1 project=$2 flags=$3 start end
  start=$(date +%s.%N)
  if [ "$tool" = ocbuild ]; then
    "$ocb" --root "$store" build --progress plain $flags -t "bench-$project" "$dir/ctx/$project" >"$dir/last.log" 2>&1
  else
    buildah --root "$dir/buildah-$tool" --runroot "$dir/buildah-run-$tool" --storage-driver "$tool" \
      bud --runtime runc --layers --pull=never $flags -t "bench-$project" "$dir/ctx/$project" >"$dir/last.log" 2>&1
  fi || { echo "FAILED: $tool $project $flags" >&2; tail -20 "$dir/last.log" >&2; return 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

active=""
for tool in $tools; do
  if [ "$tool" != ocbuild ] && ! setup_buildah "$tool"; then
    echo "buildah with $tool storage is not usable here: $(tail -1 "$dir/buildah-$tool.err")" >&2
    continue
  fi
  active="$active $tool"
done

for project in hello multi-stage gen20; do
  n=$reps; [ "$project" = gen20 ] && n=$gen_reps
  for rep in $(seq 1 "$n"); do
    for tool in $active; do
      cold=$(run_one "$tool" "$project" --no-cache) || continue
      cached=$(run_one "$tool" "$project" "") || continue
      echo "# $rep $(date +%s%N)" >> "$dir/ctx/$project/$(changed_file "$project")"
      changed=$(run_one "$tool" "$project" "") || continue
      printf '%s %s %s %s %s %s\n' "$project" "$tool" "$rep" "$cold" "$cached" "$changed" | tee -a "$results"
    done
  done
done

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)   ($(nproc) cpus; $reps repetitions; median seconds)"
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {}
for p, t, _, *vals in rows:
    med.setdefault((p, t), []).append([float(v) for v in vals])
tools = []
for _, t in med:
    if t not in tools: tools.append(t)
hdr = f"{'project':<12} {'scenario':<8}" + "".join(f"{t:>10}" for t in tools) + "".join(
    f"{t + '/ocb':>12}" for t in tools if t != "ocbuild")
print(hdr)
for p in dict.fromkeys(p for p, _ in med):
    for i, s in enumerate(["cold", "cached", "changed"]):
        m = {t: statistics.median(v[i] for v in med[(p, t)]) for t in tools if (p, t) in med}
        line = f"{p:<12} {s:<8}" + "".join(f"{m.get(t, float('nan')):>10.3f}" for t in tools)
        base = m.get("ocbuild")
        line += "".join(f"{(m[t] / base if base and t in m else float('nan')):>12.2f}" for t in tools if t != "ocbuild")
        print(line)
PY
