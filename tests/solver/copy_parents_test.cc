// COPY --parents: splitting sources at the "/./" pivot, and the selection
// rewritten so every entry sits at its path below the pivot.
#include "solver/copy_parents.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::solver {
namespace {

TEST(CopyParents, SplitsAtTheFirstPivot) {
  auto s = split_parents_source("./a/./b/c.txt");
  EXPECT_EQ(s.pivot, "a");
  EXPECT_EQ(s.pattern, "b/c.txt");
  s = split_parents_source("x/*/y.txt");
  EXPECT_EQ(s.pivot, "");
  EXPECT_EQ(s.pattern, "x/*/y.txt");
  s = split_parents_source("/a/b/./../../c/./d");
  EXPECT_EQ(s.pivot, "a/b");
  EXPECT_EQ(s.pattern, "c/d") << "'..' never climbs above the pivot";
  EXPECT_EQ(split_parents_source("a/./").path(), "a");
  EXPECT_THROW(split_parents_source("../a/./b"), Error);
}

std::vector<std::string> rels(const SourceMatch& m) {
  std::vector<std::string> out;
  for (const auto& e : m.entries) out.push_back(e.rel);
  return out;
}

class CopyParentsSelect : public ::testing::Test {
 protected:
  void SetUp() override {
    make_dirs(root_ + "/a/b/c");
    write_file_atomic(root_ + "/a/b/c/f.txt", "f");
    write_file_atomic(root_ + "/a/b/g.txt", "g");
    write_file_atomic(root_ + "/a/b/c/h.go", "h");
    write_file_atomic(root_ + "/a/top.go", "t");
    ::chmod((root_ + "/a/b").c_str(), 0710);
  }
  TempDir dir_{"copy-parents-"};
  std::string root_ = dir_.path();
  BuildContext ctx_{root_, std::nullopt};
};

TEST_F(CopyParentsSelect, KeepsParentsBelowThePivot) {
  Selection sel = select_parents(ctx_, {"a/./b/c/f.txt", "a/b/*.txt"}, {});
  ASSERT_EQ(sel.matches.size(), 2u);
  EXPECT_EQ(rels(sel.matches[0]), (std::vector<std::string>{"", "b", "b/c", "b/c/f.txt"}));
  EXPECT_TRUE(sel.matches[0].is_dir);
  EXPECT_EQ(sel.matches[0].entries[1].st.st_mode & 07777, 0710u);
  EXPECT_EQ(sel.matches[0].entries[3].context_path, "a/b/c/f.txt");
  EXPECT_EQ(rels(sel.matches[1]), (std::vector<std::string>{"", "a", "a/b", "a/b/g.txt"}));
}

TEST_F(CopyParentsSelect, GlobstarCrossesDirectories) {
  Selection sel = select_parents(ctx_, {"a/**/*.go"}, {});
  ASSERT_EQ(sel.matches.size(), 1u);
  EXPECT_EQ(rels(sel.matches[0]), (std::vector<std::string>{"", "a", "a/b", "a/b/c", "a/b/c/h.go", "a/top.go"}));
  sel = select_parents(ctx_, {"./a/./**/c"}, {});
  ASSERT_EQ(sel.matches.size(), 1u);
  EXPECT_EQ(rels(sel.matches[0]), (std::vector<std::string>{"", "b", "b/c", "b/c/f.txt", "b/c/h.go"}));
}

TEST_F(CopyParentsSelect, NothingMatchedIsNoError) {
  EXPECT_TRUE(select_parents(ctx_, {"missing.txt", "a/*.md", "a/**/*.rs"}, {}).matches.empty());
}

}  // namespace
}  // namespace ocbuild::solver
