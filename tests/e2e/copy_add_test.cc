// COPY/ADD semantics with the real binary: COPY --parents (with the "/./"
// pivot and wildcards), symbolic --chmod on files and directories, and ADD
// of http URLs from a local server (naming, mode, checksum, errors, cache).
#include <sys/stat.h>

#include <filesystem>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::e2e {
namespace {

class CopyAdd : public BuildSuite {
 protected:
  // A fresh context dir `name` with these files (path -> content) and modes.
  static std::string make_context(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files,
                                  const std::vector<std::pair<std::string, mode_t>>& modes = {}) {
    std::string dir = scratch(name);
    std::filesystem::remove_all(dir);
    make_dirs(dir);
    for (const auto& [path, content] : files) {
      make_dirs(std::filesystem::path(dir + "/" + path).parent_path().string());
      write_file_atomic(dir + "/" + path, content);
      ::chmod((dir + "/" + path).c_str(), 0644);
    }
    for (const auto& [path, mode] : modes) ::chmod((dir + "/" + path).c_str(), mode);
    return dir;
  }
  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return 0xffff;
    return st.st_mode & 07777;
  }
  static bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }
};

TEST_F(CopyAdd, ParentsKeepThePathBelowThePivot) {
  std::string ctx = make_context("parents", {{"Dockerfile",
                                              "FROM scratch\n"
                                              "COPY --parents ./a/./b/c.txt /dst/\n"
                                              "COPY --parents x/*/y.txt /out/\n"
                                              "COPY --parents foo1/foo2/bar /\n"
                                              "WORKDIR /test\n"
                                              "COPY --parents foo1/foo2/ba* .\n"
                                              "COPY --parents a/b /whole\n"},
                                             {"a/b/c.txt", "c"}, {"a/b/d.txt", "d"}, {"x/foo/y.txt", "foo"},
                                             {"x/bar/y.txt", "bar"}, {"x/baz/z.txt", "z"}, {"foo1/foo2/bar", "fb"}},
                                 {{"x/foo", 0700}, {"x", 0750}});
  auto r = ocb("build -q -t copyadd/parents:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/parents:1");
  EXPECT_EQ(read_file(root + "/dst/b/c.txt"), "c");
  EXPECT_FALSE(exists(root + "/dst/a")) << "the part before /./ is not kept";
  EXPECT_FALSE(exists(root + "/dst/b/d.txt"));
  EXPECT_EQ(read_file(root + "/out/x/foo/y.txt"), "foo");
  EXPECT_EQ(read_file(root + "/out/x/bar/y.txt"), "bar");
  EXPECT_FALSE(exists(root + "/out/x/baz")) << "a directory without a match is not copied";
  EXPECT_EQ(mode_of(root + "/out/x/foo"), 0700u) << "parents are copied with their own mode";
  EXPECT_EQ(mode_of(root + "/out/x"), 0750u);
  EXPECT_EQ(read_file(root + "/foo1/foo2/bar"), "fb");
  EXPECT_EQ(read_file(root + "/test/foo1/foo2/bar"), "fb");
  EXPECT_EQ(read_file(root + "/whole/a/b/c.txt"), "c");
  EXPECT_EQ(read_file(root + "/whole/a/b/d.txt"), "d");
}

TEST_F(CopyAdd, ParentsChangeTheCacheKey) {
  std::string ctx = make_context("parents-key", {{"Dockerfile", "FROM scratch\nCOPY a/b.txt /o/\n"}, {"a/b.txt", "b"}});
  auto plain = ocb("build -q " + ctx);
  ASSERT_EQ(plain.status, 0) << plain.output;
  write_file_atomic(ctx + "/Dockerfile", "FROM scratch\nCOPY --parents a/b.txt /o/\n");
  auto parents = ocb("build -q -t copyadd/pk:1 " + ctx);
  ASSERT_EQ(parents.status, 0) << parents.output;
  ASSERT_TRUE(plain.output.starts_with("sha256:")) << plain.output;
  EXPECT_NE(plain.output, parents.output);
  EXPECT_EQ(read_file(unpack("copyadd/pk:1") + "/o/a/b.txt"), "b");
}

TEST_F(CopyAdd, SymbolicChmodOnFilesAndDirectories) {
  std::string ctx = make_context("chmod", {{"Dockerfile",
                                            "FROM scratch\n"
                                            "COPY --chmod=u+x,go-w f.txt /f1\n"
                                            "COPY --chmod=+X d/ /d/\n"
                                            "COPY --chmod=u=rwx,g=rx,o= d /e/\n"
                                            "ADD --chmod=go-rwx f.txt /a1\n"
                                            "ARG M=a-w\n"
                                            "COPY --chmod=$M f.txt /f2\n"},
                                           {"f.txt", "f"}, {"d/g.txt", "g"}, {"d/run.sh", "r"}, {"d/sub/h.txt", "h"}},
                               {{"f.txt", 0666}, {"d/run.sh", 0744}, {"d/sub", 0700}});
  auto r = ocb("build -q -t copyadd/chmod:1 " + ctx);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string root = unpack("copyadd/chmod:1");
  EXPECT_EQ(mode_of(root + "/f1"), 0744u);
  EXPECT_EQ(mode_of(root + "/d/g.txt"), 0644u) << "X adds execute only to directories and executables";
  EXPECT_EQ(mode_of(root + "/d/run.sh"), 0755u);
  EXPECT_EQ(mode_of(root + "/d/sub"), 0711u) << "a copied directory gets X too";
  EXPECT_EQ(mode_of(root + "/e/g.txt"), 0750u);
  EXPECT_EQ(mode_of(root + "/e/sub"), 0750u);
  EXPECT_EQ(mode_of(root + "/a1"), 0600u);
  EXPECT_EQ(mode_of(root + "/f2"), 0444u);
}

TEST_F(CopyAdd, InvalidSymbolicChmodNamesTheLine) {
  std::string ctx = make_context("chmod-bad", {{"Dockerfile", "FROM scratch\nARG M=u+z\nCOPY --chmod=$M f /\n"}, {"f", ""}});
  auto r = ocb("build -q " + ctx);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("u+z"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":3"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::e2e
