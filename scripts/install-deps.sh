#!/usr/bin/env bash
# Installs every build and test dependency of ocbuild from Debian 12 packages.
# Idempotent: re-running it only installs what is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  libarchive-dev libssl-dev nlohmann-json3-dev libseccomp-dev libcli11-dev
  libzstd-dev zlib1g-dev libgtest-dev libgmock-dev libcurl4-openssl-dev
  busybox-static skopeo umoci docker-registry uidmap util-linux openssh-client
  python3 python3-jsonschema apache2-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
