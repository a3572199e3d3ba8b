// Kept owners (core/xattrs.h): written, read back only while the file is
// owned by 0:0, cleared, and never counted as image xattrs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/xattrs.h"

namespace ocbuild {
namespace {

TEST(KeptOwner, WrittenReadAndCleared) {
  TempDir tmp;
  std::string f = tmp.path() + "/f";
  write_file_atomic(f, "x");
  if (!write_kept_owner(f, 65534, 1234)) GTEST_SKIP() << "no user xattrs on " << tmp.path();
  auto kept = read_kept_owner(f, 0, 0);
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, std::make_pair(65534u, 1234u));
  // A file chowned since (on disk not 0:0): the xattr is stale.
  EXPECT_FALSE(read_kept_owner(f, 1000, 1000));
  EXPECT_TRUE(is_non_image_xattr(kKeptOwnerXattr));
  EXPECT_EQ(read_image_xattrs(f).count(kKeptOwnerXattr), 0u);
  clear_kept_owner(f);
  EXPECT_FALSE(read_kept_owner(f, 0, 0));
  clear_kept_owner(f);  // none: no error
}

TEST(KeptOwner, SymlinkTakesNoneAndGarbageIsIgnored) {
  TempDir tmp;
  std::string f = tmp.path() + "/f", l = tmp.path() + "/l";
  write_file_atomic(f, "x");
  ASSERT_EQ(::symlink("f", l.c_str()), 0);
  EXPECT_FALSE(write_kept_owner(l, 1, 1));  // user.* xattrs are not allowed on symlinks
  if (!write_kept_owner(f, 1, 1)) GTEST_SKIP() << "no user xattrs on " << tmp.path();
  ASSERT_EQ(::setxattr(f.c_str(), kKeptOwnerXattr, "12x:3", 5, 0), 0);
  EXPECT_FALSE(read_kept_owner(f, 0, 0));
}

}  // namespace
}  // namespace ocbuild
