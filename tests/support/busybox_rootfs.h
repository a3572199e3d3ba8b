#pragma once
// A minimal root file system from Debian's static busybox (busybox-static):
// /bin/busybox, /bin/<applet> symlinks (sh among them), /etc/passwd and
// /etc/group with root and app (uid/gid 1000, also in group users 100),
// /tmp 1777, /root, /home/app. Reusable to build a busybox:latest image.
#include <optional>
#include <string>

namespace ocbuild::testing {

// The static busybox to copy, or nullopt when it is not installed.
std::optional<std::string> static_busybox();

// Lays the rootfs out in `dir` (created when missing). Ownership is the
// caller's: run as root, files belong to root. Throws ocbuild::Error.
void make_busybox_rootfs(const std::string& dir, const std::string& busybox = "/bin/busybox");

}  // namespace ocbuild::testing
