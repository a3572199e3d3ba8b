#pragma once
// Test helper (header only: the export test binary globs *_test.cc): build small file trees with exact modes, owners and mtimes.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ocbuild/core/atomic_file.h"

namespace ocbuild::testing {
namespace fs = std::filesystem;

class TreeBuilder {
 public:
  explicit TreeBuilder(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string abs(const std::string& rel) const { return root_ + "/" + rel; }

  void dir(const std::string& rel, unsigned mode = 0755);
  void file(const std::string& rel, const std::string& content, unsigned mode = 0644);
  void symlink(const std::string& rel, const std::string& target);
  void hardlink(const std::string& rel, const std::string& existing);
  void fifo(const std::string& rel);
  void owner(const std::string& rel, unsigned uid, unsigned gid);
  bool xattr(const std::string& rel, const std::string& name, const std::string& value);
  // Sets the mtime of every entry (deepest first, so directories keep it).
  void set_all_mtimes(int64_t seconds);

 private:
  std::string root_;
};

// Raw tar header names of a layer blob, in order (as libarchive reads them).
std::vector<std::string> raw_entry_names(const std::string& blob);
// Bytes of a file.
std::string slurp(const std::string& path);


namespace detail {
inline void ok(int rc, const std::string& what) {
  if (rc != 0) throw std::runtime_error(what + ": " + std::to_string(errno));
}
}  // namespace detail

inline void TreeBuilder::dir(const std::string& rel, unsigned mode) {
  fs::create_directories(abs(rel));
  detail::ok(::chmod(abs(rel).c_str(), mode), "chmod " + rel);
}

inline void TreeBuilder::file(const std::string& rel, const std::string& content, unsigned mode) {
  fs::create_directories(fs::path(abs(rel)).parent_path());
  write_file_atomic(abs(rel), content, mode);
}

inline void TreeBuilder::symlink(const std::string& rel, const std::string& target) {
  detail::ok(::symlink(target.c_str(), abs(rel).c_str()), "symlink " + rel);
}

inline void TreeBuilder::hardlink(const std::string& rel, const std::string& existing) {
  detail::ok(::link(abs(existing).c_str(), abs(rel).c_str()), "link " + rel);
}

inline void TreeBuilder::fifo(const std::string& rel) { detail::ok(::mkfifo(abs(rel).c_str(), 0600), "mkfifo " + rel); }

inline void TreeBuilder::owner(const std::string& rel, unsigned uid, unsigned gid) {
  detail::ok(::lchown(abs(rel).c_str(), uid, gid), "lchown " + rel);
}

inline bool TreeBuilder::xattr(const std::string& rel, const std::string& name, const std::string& value) {
  return ::lsetxattr(abs(rel).c_str(), name.c_str(), value.data(), value.size(), 0) == 0;
}

inline void TreeBuilder::set_all_mtimes(int64_t seconds) {
  std::vector<std::string> paths;
  for (auto& e : fs::recursive_directory_iterator(root_)) paths.push_back(e.path());
  paths.push_back(root_);
  struct timespec ts[2] = {{seconds, 0}, {seconds, 0}};
  for (auto it = paths.rbegin(); it != paths.rend(); ++it)
    detail::ok(::utimensat(AT_FDCWD, it->c_str(), ts, AT_SYMLINK_NOFOLLOW), "utimensat " + *it);
}

inline std::vector<std::string> raw_entry_names(const std::string& blob) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  std::vector<std::string> names;
  if (archive_read_open_filename(a, blob.c_str(), 65536) == ARCHIVE_OK) {
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) names.push_back(archive_entry_pathname(e));
  }
  archive_read_free(a);
  return names;
}

inline std::string slurp(const std::string& path) { return read_file(path); }

}  // namespace ocbuild::testing
