#!/usr/bin/env bash
# Builds the offline test base image `busybox:latest` from Debian's
# busybox-static: /bin/busybox with every applet linked where busybox puts it
# and in /bin,
# /bin/sh, /etc/passwd and /etc/group with root, app (1000) and nobody, and
# the usual empty directories. The image is imported with SOURCE_DATE_EPOCH=0
# so its digest is the same on every machine with the same busybox package.
#
# usage: tests/make-busybox-image.sh [OCBUILD_BINARY] [TAG]
#   honours OCBUILD_ROOT (or --root via OCBUILD_ARGS) for the store.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ocbuild=${1:-$here/../build/ocbuild}
tag=${2:-busybox:latest}
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "error: $busybox not found: apt-get install busybox-static" >&2; exit 1; }

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/busybox-rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
umask 022
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,home/app,var/tmp,proc,sys,dev,run}
cp "$busybox" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
for applet in $("$busybox" --list-full); do
  [ "$applet" = "bin/busybox" ] && continue
  # Relative links so the tree works wherever it is unpacked.
  slashes=${applet//[^\/]/}
  up=""
  for ((i = 0; i < ${#slashes}; i++)); do up+="../"; done
  ln -sf "${up}bin/busybox" "$rootfs/$applet"
done
ln -sf busybox "$rootfs/bin/sh"
# Docker Hub's busybox has every applet in /bin (the behavior/ corpus runs
# /bin/awk): link the ones Debian's list puts elsewhere there too.
for applet in $("$busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || [ -L "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$rootfs/etc/group" <<'GROUP'
root:x:0:
app:x:1000:
nogroup:x:65534:
GROUP
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 0700 "$rootfs/root"
# Ownership as the container sees it; only possible when we are root here.
if [ "$(id -u)" = 0 ]; then chown -R 1000:1000 "$rootfs/home/app"; else chmod 0777 "$rootfs/home/app"; fi

"$ocbuild" ${OCBUILD_ARGS:-} import "$rootfs" -t "$tag" --source-date-epoch 0 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd sh
