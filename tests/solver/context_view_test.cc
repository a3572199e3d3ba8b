// ContextView: the tree a RUN bind from a .dockerignore'd context sees. It
// holds the selected entries only (symlinks kept as links, modes and mtimes
// kept), and removing it leaves the context as it was.
#include "solver/context_view.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild::solver {
namespace {

namespace fs = std::filesystem;

TEST(ContextView, HoldsWhatTheSelectionHoldsAndLeavesTheContextAlone) {
  TempDir tmp("ocbuild-context-view-test-");
  std::string ctx = tmp.path() + "/ctx";
  fs::create_directories(ctx + "/src/private");
  write_file_atomic(ctx + "/src/a.txt", "a\n");
  write_file_atomic(ctx + "/src/skip.log", "log\n");
  write_file_atomic(ctx + "/src/private/key", "secret\n");
  fs::create_symlink("a.txt", ctx + "/src/link");
  ASSERT_EQ(::chmod((ctx + "/src/a.txt").c_str(), 0750), 0);
  ASSERT_EQ(::chmod((ctx + "/src").c_str(), 0711), 0);
  BuildContext context(ctx, frontend::parse_dockerignore(ctx + "/.dockerignore", "**/*.log\n**/private\n"));
  std::string tree;
  {
    ContextView view(context.select({"src"}), context.dir(), tmp.path());
    tree = view.path();
    auto r = testing::run_command("cd " + tree + " && find . | sort");
    EXPECT_EQ(r.output, ".\n./a.txt\n./link\n");
    EXPECT_EQ(fs::read_symlink(tree + "/link"), "a.txt");
    struct stat st {}, orig {};
    ASSERT_EQ(::stat((tree + "/a.txt").c_str(), &st), 0);
    ASSERT_EQ(::stat((ctx + "/src/a.txt").c_str(), &orig), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_mtim.tv_sec, orig.st_mtim.tv_sec);
    ASSERT_EQ(::stat(tree.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0711u);
    EXPECT_EQ(read_file(tree + "/a.txt"), "a\n");

    ContextView file(context.select({"src/a.txt"}), context.dir(), tmp.path());
    EXPECT_EQ(read_file(file.path()), "a\n");
  }
  EXPECT_FALSE(fs::exists(tree));
  EXPECT_EQ(read_file(ctx + "/src/a.txt"), "a\n");
  EXPECT_EQ(read_file(ctx + "/src/private/key"), "secret\n");
  EXPECT_TRUE(fs::exists(ctx + "/src/skip.log"));
}

}  // namespace
}  // namespace ocbuild::solver
