#include "ocbuild/core/temp_dir.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include "ocbuild/core/error.h"

namespace ocbuild {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix, const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* env = ::getenv("TMPDIR");
    base = (env && *env) ? env : "/tmp";
  }
  std::string tmpl = base + "/" + prefix + "XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw Error::io("create temp dir in " + base, errno);
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (!path_.empty()) remove_tree_noexcept(path_);
}

TempDir::TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& o) noexcept {
  if (this != &o) {
    if (!path_.empty()) remove_tree_noexcept(path_);
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

std::string TempDir::release() {
  std::string p = std::move(path_);
  path_.clear();
  return p;
}

void remove_tree_noexcept(const std::string& path) noexcept {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (!ec) return;
  // A tree with read-only directories: open them up, then try again.
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code ec2;
    if (it->is_directory(ec2) && !it->is_symlink(ec2)) ::chmod(it->path().c_str(), 0700);
  }
  ::chmod(path.c_str(), 0700);
  fs::remove_all(path, ec);
}

}  // namespace ocbuild
