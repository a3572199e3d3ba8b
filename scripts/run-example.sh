#!/usr/bin/env bash
# Installs dependencies, builds ocbuild, and shows what this checkout can do.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/ocbuild version
