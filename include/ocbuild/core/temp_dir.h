#pragma once
// TempDir: a directory created with mkdtemp and removed recursively (best
// effort, never throwing) when the owner goes away unless release()d.
#include <string>

namespace ocbuild {

class TempDir {
 public:
  // Creates "<parent>/<prefix>XXXXXX"; parent defaults to $TMPDIR or /tmp.
  explicit TempDir(const std::string& prefix = "ocbuild-", const std::string& parent = "");
  ~TempDir();
  TempDir(TempDir&& o) noexcept;
  TempDir& operator=(TempDir&& o) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Keeps the directory: the caller now owns it.
  std::string release();

 private:
  std::string path_;
};

// Removes a tree without throwing; makes read-only directories writable first.
void remove_tree_noexcept(const std::string& path) noexcept;

}  // namespace ocbuild
