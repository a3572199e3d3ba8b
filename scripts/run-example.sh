#!/usr/bin/env bash
# The main job: installs dependencies, builds ocbuild, creates the offline
# busybox base image in a demo store, and works through examples/.
# (`ocbuild build` is not there yet: until it is, this parses every example
# and shows the image-store round trip on the base image.)
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

echo "== save, reload and compare"
"$ocbuild" save busybox:latest --format oci -o build/busybox-oci.tar
"$ocbuild" diff busybox:latest build/busybox-oci.tar
