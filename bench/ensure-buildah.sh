#!/usr/bin/env bash
# Sourced by the benchmarks that compare with buildah: installs Debian's
# buildah package (a reference tool, not a dependency of ocbuild) when it is
# missing and we may install packages; BENCH_NO_INSTALL=1 skips that.
if ! command -v buildah >/dev/null && [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo -n"
  echo "installing buildah (reference tool for the comparison)" >&2
  $sudo_cmd apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq buildah runc >/dev/null 2>&1 \
    || echo "could not install buildah: comparing ocbuild alone" >&2
fi
