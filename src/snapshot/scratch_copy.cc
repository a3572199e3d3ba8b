#include "ocbuild/snapshot/scratch_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "snapshot/cache_mounts_internal.h"
#include "snapshot/tree_copy.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

void copy_file(const std::string& from, const std::string& to, const struct stat& st) {
  UniqueFd out = copy_to_new_file(from, to, st.st_mode, true);
  if (::fchown(out.get(), st.st_uid, st.st_gid) != 0) throw Error::io("chown " + to, errno);
  if (::fchmod(out.get(), st.st_mode & 07777) != 0) throw Error::io("chmod " + to, errno);  // chown clears setuid
}

// Runs as container root: the source may hold files of subordinate ids.
void copy_tree(const std::string& source, const std::string& target) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) throw Error(ErrorCode::NotFound, "bind mount source " + source + " does not exist");
    throw Error::io("bind mount source " + source, err);
  }
  if (!S_ISDIR(st.st_mode)) return copy_file(source, target, st);
  if (::mkdir(target.c_str(), 0700) != 0) throw Error::io("mkdir " + target, errno);
  merge_layers({source}, target);
  if (::chown(target.c_str(), st.st_uid, st.st_gid) != 0) throw Error::io("chown " + target, errno);
  if (::chmod(target.c_str(), st.st_mode & 07777) != 0) throw Error::io("chmod " + target, errno);
}

}  // namespace

ScratchCopy::ScratchCopy(const std::string& source, const std::string& parent) {
  TempDir dir("ocbuild-scratch-", parent);
  std::string target = dir.path() + "/tree";
  as_container_root([&] {
    copy_tree(source, target);
    return std::string();
  });
  dir_ = dir.release();
  path_ = target;
}

ScratchCopy::ScratchCopy(ScratchCopy&& o) noexcept
    : dir_(std::exchange(o.dir_, std::string())), path_(std::exchange(o.path_, std::string())) {}

ScratchCopy& ScratchCopy::operator=(ScratchCopy&& o) noexcept {
  if (this != &o) {
    remove();
    dir_ = std::exchange(o.dir_, std::string());
    path_ = std::exchange(o.path_, std::string());
  }
  return *this;
}

ScratchCopy::~ScratchCopy() { remove(); }

void ScratchCopy::remove() noexcept {
  if (dir_.empty()) return;
  try {
    remove_as_container_root(dir_);
  } catch (...) {
    remove_tree_noexcept(dir_);  // the helper could not run: what we can
  }
  dir_.clear();
}

}  // namespace ocbuild::snapshot
