#!/usr/bin/env bash
# The main job: installs dependencies, builds ocbuild, creates the offline
# busybox base image in a demo store, and works through examples/.
# Builds every example (hello, multi-stage, dockerignore, secrets,
# cache-mount), runs a cached rebuild, and shows digests and history.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export OCBUILD_ROOT=${OCBUILD_ROOT:-$PWD/build/demo-store}
ocbuild=$PWD/build/ocbuild

echo "== base image busybox:latest in $OCBUILD_ROOT"
bash tests/make-busybox-image.sh "$ocbuild" busybox:latest
"$ocbuild" images
"$ocbuild" history busybox:latest

for dockerfile in examples/*/Dockerfile; do
  echo "== $dockerfile"
  "$ocbuild" debug parse -f "$dockerfile"
done

for example in hello multi-stage; do
  echo "== ocbuild build examples/$example"
  "$ocbuild" build --progress plain -t "$example:demo" "examples/$example"
  echo "== history of $example:demo"
  "$ocbuild" history "$example:demo"
done

echo "== examples/dockerignore: ignored files never reach the context"
"$ocbuild" build --progress plain -t ignore:demo -f examples/dockerignore/Dockerfile examples/dockerignore/context

echo "== examples/secrets: a secret readable in RUN, never stored"
token=$(mktemp)
echo s3cr3t > "$token"
"$ocbuild" build --progress plain --secret "id=token,src=$token" -t secrets:demo examples/secrets
rm -f "$token"

echo "== examples/cache-mount, twice: the second run finds the cache filled"
"$ocbuild" build --progress plain -t cached:demo examples/cache-mount
"$ocbuild" build --progress plain --no-cache -t cached:demo examples/cache-mount

echo "== a second build of examples/hello: every step CACHED, the same digest"
first=$("$ocbuild" build --progress quiet examples/hello)
second=$("$ocbuild" build --progress plain examples/hello)
echo "first:  $first"
echo "second: $second"
[ "$first" = "$second" ] || { echo "error: a cached rebuild gave another digest" >&2; exit 1; }

echo "== save, reload and compare"
"$ocbuild" save busybox:latest --format oci -o build/busybox-oci.tar
"$ocbuild" diff busybox:latest build/busybox-oci.tar
