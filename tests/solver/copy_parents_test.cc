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

TEST(CopyParents, SelectionKeepsParentsBelowThePivot) {
  TempDir dir("copy-parents-");
  std::string root = dir.path();
  make_dirs(root + "/a/b/c");
  write_file_atomic(root + "/a/b/c/f.txt", "f");
  write_file_atomic(root + "/a/b/g.txt", "g");
  ::chmod((root + "/a/b").c_str(), 0710);
  BuildContext ctx(root, std::nullopt);
  std::vector<std::string> sources = {"a/./b/c/f.txt", "a/b/*.txt"};
  Selection sel = parents_selection(ctx.select(parents_select_paths(sources)), sources, root);
  ASSERT_EQ(sel.matches.size(), 2u);
  std::vector<std::string> rels;
  for (const auto& e : sel.matches[0].entries) rels.push_back(e.rel);
  EXPECT_EQ(rels, (std::vector<std::string>{"", "b", "b/c", "b/c/f.txt"}));
  EXPECT_TRUE(sel.matches[0].is_dir);
  EXPECT_EQ(sel.matches[0].entries[1].st.st_mode & 07777, 0710u);
  EXPECT_EQ(sel.matches[0].entries[3].context_path, "a/b/c/f.txt");
  rels.clear();
  for (const auto& e : sel.matches[1].entries) rels.push_back(e.rel);
  EXPECT_EQ(rels, (std::vector<std::string>{"", "a", "a/b", "a/b/g.txt"}));
}

}  // namespace
}  // namespace ocbuild::solver
