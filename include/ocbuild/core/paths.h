#pragma once
// Where ocbuild keeps its state by default.
#include <string>

namespace ocbuild {

// $OCBUILD_ROOT, else $XDG_DATA_HOME/ocbuild, else ~/.local/share/ocbuild;
// root (euid 0) without OCBUILD_ROOT uses /var/lib/ocbuild.
std::string default_store_root();

// mkdir -p with mode 0755; throws Error(Io).
void make_dirs(const std::string& path);

}  // namespace ocbuild
