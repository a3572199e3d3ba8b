#!/usr/bin/env bash
# Registry benchmark: push and pull of one ~500 MB image (a few layers of
# random data, gzip) through a local docker-registry, ocbuild against
# `skopeo copy` (oci:STORE:tag -> docker://, and docker:// -> an empty oci dir).
#   BENCH_DIR=/tmp/ocbuild-regbench BENCH_MB=500 BENCH_LAYERS=4 BENCH_REPS=3 bench/registry_bench.sh [build-dir]
# Each repetition uses a fresh registry (so nothing is skipped or mounted) and
# fresh destination stores; the table shows the best time of the repetitions.
# Needs the ocbuild and registry_image_bench targets built.
set -euo pipefail

build=${1:-build}
ocb="$build/ocbuild"
mk="$build/bench/registry_image_bench"
[ -x "$ocb" ] && [ -x "$mk" ] || { echo "build the ocbuild and registry_image_bench targets first" >&2; exit 2; }
command -v skopeo >/dev/null || { echo "skopeo is not installed" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/ocbuild-regbench}
mb=${BENCH_MB:-500}
layers=${BENCH_LAYERS:-4}
reps=${BENCH_REPS:-3}
store="$dir/store"
mkdir -p "$dir"

if [ ! -f "$dir/.image-$mb-$layers" ]; then
  rm -rf "$store"
  echo "making a ${mb} MB image with $layers layers in $store ..." >&2
  "$mk" "$store" bench:1 "$mb" "$layers" >&2
  touch "$dir/.image-$mb-$layers"
fi

reg_pid=""
stop_registry() { if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; reg_pid=""; fi; }
trap stop_registry EXIT

start_registry() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$dir/registry"; mkdir -p "$dir/registry"
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$dir/registry/data" "$port" > "$dir/registry/config.yml"
  docker-registry serve "$dir/registry/config.yml" >"$dir/registry/log" 2>&1 &
  reg_pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && return; sleep 0.1; done
  echo "registry did not start" >&2; cat "$dir/registry/log" >&2; exit 1
}

# seconds CMD...: runs CMD quietly and prints the wall time.
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$dir/last.log" 2>&1 || { echo "failed: $*" >&2; cat "$dir/last.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

declare -A best
keep_best() { local k=$1 v=$2; if [ -z "${best[$k]:-}" ] || (( $(echo "$v < ${best[$k]}" | bc) )); then best[$k]=$v; fi; }

for i in $(seq "$reps"); do
  start_registry
  host="127.0.0.1:$port"
  rm -rf "$dir/pull-ocb" "$dir/pull-sko"
  keep_best push-ocbuild "$(seconds "$ocb" --root "$store" push -q bench:1 "$host/ocb/img:1")"
  keep_best push-skopeo "$(seconds skopeo copy -q --dest-tls-verify=false "oci:$store:bench:1" "docker://$host/sko/img:1")"
  keep_best pull-ocbuild "$(seconds "$ocb" --root "$dir/pull-ocb" pull -q "$host/ocb/img:1")"
  keep_best pull-skopeo "$(seconds skopeo copy -q --src-tls-verify=false "docker://$host/sko/img:1" "oci:$dir/pull-sko:img")"
  stop_registry
  echo "repetition $i done" >&2
done

bytes=$(du -sb "$store/blobs" | cut -f1)
printf '%-6s %12s %12s %8s   (%s MB of blobs, best of %s)\n' op ocbuild_s skopeo_s ratio "$((bytes >> 20))" "$reps"
for op in push pull; do
  o=${best[$op-ocbuild]}; s=${best[$op-skopeo]}
  printf '%-6s %12.2f %12.2f %8.2f\n' "$op" "$o" "$s" "$(echo "$o / $s" | bc -l)"
done
