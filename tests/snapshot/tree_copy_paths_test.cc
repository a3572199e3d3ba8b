// merge_layer_paths (what COPY --from reads) against merge_layers (the full
// copy): every requested path, and the directories on the way to it, must
// come out exactly as in the full merge, and nothing else.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "ocbuild/core/temp_dir.h"
#include "snapshot/tree_copy.h"

namespace ocbuild::snapshot {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& text, int64_t mtime = 1000) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  struct timespec t[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), t, 0);
}

bool whiteout(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  return ::mknod(path.c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0;
}

void opaque(const std::string& dir) {
  fs::create_directories(dir);
  ASSERT_EQ(::setxattr(dir.c_str(), "user.overlay.opaque", "y", 1, 0), 0) << dir;
}

// rel path -> "type mode uid:gid mtime size content|target"
std::map<std::string, std::string> scan(const std::string& root, const std::string& rel = "") {
  std::map<std::string, std::string> out;
  std::string dir = rel.empty() ? root : root + "/" + rel;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return out;
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string r = rel.empty() ? name : rel + "/" + name, full = root + "/" + r;
    struct stat st;
    if (::lstat(full.c_str(), &st) != 0) continue;
    std::string desc = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" +
                       std::to_string(st.st_gid) + " " + std::to_string(st.st_mtim.tv_sec) + " ";
    if (S_ISREG(st.st_mode)) {
      std::ifstream in(full, std::ios::binary);
      desc += std::string(std::istreambuf_iterator<char>(in), {});
    } else if (S_ISLNK(st.st_mode)) {
      desc += "-> " + fs::read_symlink(full).string();
    }
    out[r] = desc;
    if (S_ISDIR(st.st_mode)) out.merge(scan(root, r));
  }
  return out;
}

// `rel` is one of `paths`, below one, or a directory on the way to one.
bool wanted(const std::string& rel, const std::vector<std::string>& paths) {
  for (std::string p : paths) {
    p = p.substr(1);
    if (rel == p || rel.starts_with(p + "/") || p.starts_with(rel + "/")) return true;
  }
  return false;
}

TEST(MergeLayerPaths, SameAsTheFullMergeForThePathsOnly) {
  TempDir tmp("ocbuild-tree-paths-");
  std::string l1 = tmp.path() + "/l1", l2 = tmp.path() + "/l2", l3 = tmp.path() + "/l3";
  write(l1 + "/a/keep.txt", "keep");
  write(l1 + "/a/gone.txt", "gone");
  write(l1 + "/a/sub/x.txt", "x1");
  write(l1 + "/b/old.txt", "old");
  write(l1 + "/c", "c is a file here");
  fs::create_symlink("a", l1 + "/d");
  write(l1 + "/e/deep/f.txt", "f");
  write(l1 + "/opaq/low.txt", "low");
  write(l1 + "/other/unrelated.txt", "never copied");
  if (!whiteout(l2 + "/a/gone.txt")) GTEST_SKIP() << "mknod of a whiteout not permitted here";
  write(l2 + "/a/new.txt", "new", 2000);
  opaque(l2 + "/b");
  write(l2 + "/b/fresh.txt", "fresh", 2000);
  write(l2 + "/c/inner", "inner", 2000);
  fs::create_directories(l2 + "/e");
  ::chmod((l2 + "/e").c_str(), 0700);
  opaque(l2 + "/opaq");
  write(l2 + "/opaq/up.txt", "up", 2000);
  write(l3 + "/a/sub/x.txt", "x3", 3000);
  write(l3 + "/e/deep/g.txt", "g", 3000);
  for (const auto& dir : {l1 + "/a", l2 + "/a", l2 + "/e", l3 + "/e/deep"}) {
    struct timespec t[2] = {{5000, 0}, {5000, 0}};
    ::utimensat(AT_FDCWD, dir.c_str(), t, AT_SYMLINK_NOFOLLOW);
  }
  std::vector<std::string> layers{l1, l2, l3};
  std::string full = tmp.path() + "/full", part = tmp.path() + "/part";
  fs::create_directories(full);
  fs::create_directories(part);
  merge_layers(layers, full);
  std::vector<std::string> paths{"/a", "/b/fresh.txt", "/c/inner", "/d", "/e/deep/f.txt", "/opaq/low.txt",
                                 "/opaq/up.txt", "/missing/x"};
  merge_layer_paths(layers, paths, part);

  std::map<std::string, std::string> expected;
  for (auto& [rel, desc] : scan(full))
    if (wanted(rel, paths)) expected[rel] = desc;
  auto got = scan(part);
  EXPECT_EQ(got, expected);
  // Spot checks of the overlay rules on the way.
  EXPECT_FALSE(got.count("a/gone.txt"));     // whiteout
  EXPECT_FALSE(got.count("b/old.txt"));      // opaque dir
  EXPECT_FALSE(got.count("opaq/low.txt"));   // hidden by an opaque dir on the way
  EXPECT_TRUE(got.count("c/inner"));         // a file replaced by a dir
  EXPECT_TRUE(got["d"].ends_with("-> a"));   // a symlink is copied, not followed
  EXPECT_FALSE(got.count("other"));
  EXPECT_FALSE(got.count("e/deep/g.txt"));   // a sibling of a requested path
  EXPECT_EQ(got.at("a/sub/x.txt"), expected.at("a/sub/x.txt"));
}

TEST(MergeLayerPaths, RootMeansEverything) {
  TempDir tmp("ocbuild-tree-paths-");
  write(tmp.path() + "/l1/x/y", "y");
  write(tmp.path() + "/l2/z", "z");
  std::string full = tmp.path() + "/full", part = tmp.path() + "/part";
  fs::create_directories(full);
  fs::create_directories(part);
  merge_layers({tmp.path() + "/l1", tmp.path() + "/l2"}, full);
  merge_layer_paths({tmp.path() + "/l1", tmp.path() + "/l2"}, {"/"}, part);
  EXPECT_EQ(scan(part), scan(full));
}

}  // namespace
}  // namespace ocbuild::snapshot
