#pragma once
// Private to export: reading image archives (tars of an OCI layout or a
// docker-archive). Extraction is confined to the destination: absolute names,
// ".." components and links leaving the tree are refused with Error(Invalid);
// only regular files, directories and in-tree symlinks/hardlinks (which docker
// save uses for shared layers, recreated as hard links) are accepted.
#include <set>
#include <string>

namespace ocbuild::exporter {

// The normalized names of the entries (no leading "./", no trailing "/").
std::set<std::string> list_archive_names(const std::string& tar_path);

// Extracts into an existing empty directory.
void extract_archive(const std::string& tar_path, const std::string& dest);

}  // namespace ocbuild::exporter
