#pragma once
// Internal to the applier: file-system operations confined to a root
// directory. Every parent path is resolved with openat2(RESOLVE_IN_ROOT), so
// ".." and symlinks can never leave the root; the last component is always
// handled with *at() calls that do not follow it.
#include <string>
#include <vector>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild::exporter {

class RootedDir {
 public:
  explicit RootedDir(const std::string& root);

  // An O_PATH fd for the directory `rel` ("" is the root), resolved inside
  // the root. With create, missing components are made (mode 0755).
  // Returns an invalid fd when it does not exist and create is false.
  UniqueFd open_dir(const std::string& rel, bool create) const;
  // Removes `name` in dirfd (a tree if it is a directory); absent is fine.
  static void remove_at(int dirfd, const std::string& name, const std::string& what);
  // Names in a readable directory fd, without "." and "..".
  static std::vector<std::string> list(int dirfd, const std::string& what);
  const std::string& root() const { return root_; }

 private:
  UniqueFd resolve(const std::string& rel) const;

  std::string root_;
  UniqueFd root_fd_;
};

// "a/./b//c/" -> "a/b/c"; throws Error(Invalid) for absolute paths and "..".
std::string clean_entry_path(const std::string& raw, const std::string& layer);
std::string path_parent(const std::string& path);
std::string path_base(const std::string& path);

}  // namespace ocbuild::exporter
