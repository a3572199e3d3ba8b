#include "ocbuild/frontend/context_walk.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"

using ocbuild::frontend::ContextEntry;
using ocbuild::frontend::PatternMatcher;
using ocbuild::frontend::walk_context;
using ocbuild::frontend::WalkAction;

namespace {

class ContextWalk : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = dir_.path();
    ::chmod(ctx_.c_str(), 0755);
    for (const char* d : {"app/src", "node_modules/a/deep", "node_modules/b", "node_modules/keep", "docs"}) {
      ocbuild::make_dirs(ctx_ + "/" + d);
    }
    for (const char* f : {"app/main.c", "app/src/x.c", "app/x.tmp", "node_modules/a/deep/f.js",
                          "node_modules/b/g.js", "node_modules/keep/k.js", "docs/README.md", "docs/guide.txt",
                          "Dockerfile", "a.txt"}) {
      ocbuild::write_file_atomic(ctx_ + "/" + f, f);
    }
    ASSERT_EQ(::symlink("node_modules", (ctx_ + "/link").c_str()), 0);
  }

  std::vector<std::string> walk(const std::vector<std::string>& patterns, size_t* opened = nullptr) {
    std::vector<std::string> seen;
    PatternMatcher pm(patterns);
    auto stats = walk_context(ctx_, &pm, [&](const ContextEntry& e) {
      seen.push_back(e.path + (S_ISDIR(e.st.st_mode) ? "/" : S_ISLNK(e.st.st_mode) ? "@" : ""));
      return WalkAction::Continue;
    });
    if (opened) *opened = stats.directories_opened;
    EXPECT_EQ(stats.entries_yielded, seen.size());
    return seen;
  }

  ocbuild::TempDir dir_;
  std::string ctx_;
};

using Paths = std::vector<std::string>;

TEST_F(ContextWalk, NoPatternsYieldsEverythingDepthFirstSortedWithoutFollowingSymlinks) {
  size_t opened = 0;
  EXPECT_EQ(walk({}, &opened),
            (Paths{"Dockerfile", "a.txt", "app/", "app/main.c", "app/src/", "app/src/x.c", "app/x.tmp", "docs/",
                   "docs/README.md", "docs/guide.txt", "link@", "node_modules/", "node_modules/a/",
                   "node_modules/a/deep/", "node_modules/a/deep/f.js", "node_modules/b/", "node_modules/b/g.js",
                   "node_modules/keep/", "node_modules/keep/k.js"}));
  EXPECT_EQ(opened, 9u);
}

TEST_F(ContextWalk, ExcludedDirectoryIsNotOpened) {
  size_t opened = 0;
  EXPECT_EQ(walk({"node_modules", "**/*.tmp", "docs/*.txt"}, &opened),
            (Paths{"Dockerfile", "a.txt", "app/", "app/main.c", "app/src/", "app/src/x.c", "docs/",
                   "docs/README.md", "link@"}));
  EXPECT_EQ(opened, 4u);  // root, app, app/src, docs
}

TEST_F(ContextWalk, PlainExceptionReincludesBelowExcludedDirectory) {
  size_t opened = 0;
  EXPECT_EQ(walk({"node_modules", "!node_modules/keep"}, &opened),
            (Paths{"Dockerfile", "a.txt", "app/", "app/main.c", "app/src/", "app/src/x.c", "app/x.tmp", "docs/",
                   "docs/README.md", "docs/guide.txt", "link@", "node_modules/", "node_modules/keep/",
                   "node_modules/keep/k.js"}));
  // node_modules is entered for the exception; node_modules/a and /b are not.
  EXPECT_EQ(opened, 6u);
}

TEST_F(ContextWalk, WildcardExceptionForcesDescentButYieldsOnlyMatches) {
  size_t opened = 0;
  EXPECT_EQ(walk({"*", "!**/*.js"}, &opened),
            (Paths{"node_modules/", "node_modules/a/", "node_modules/a/deep/", "node_modules/a/deep/f.js",
                   "node_modules/b/", "node_modules/b/g.js", "node_modules/keep/", "node_modules/keep/k.js"}));
  EXPECT_EQ(opened, 9u);  // a wildcard exception could match anywhere
}

TEST_F(ContextWalk, SkipDirFromCallback) {
  std::vector<std::string> seen;
  walk_context(ctx_, nullptr, [&](const ContextEntry& e) {
    seen.push_back(e.path);
    return e.path == "node_modules" || e.path == "app" ? WalkAction::SkipDir : WalkAction::Continue;
  });
  EXPECT_EQ(seen, (Paths{"Dockerfile", "a.txt", "app", "docs", "docs/README.md", "docs/guide.txt", "link",
                         "node_modules"}));
}

TEST_F(ContextWalk, SkipDirOnALateYieldedDirectoryLeavesIt) {
  PatternMatcher pm({"node_modules", "!node_modules/a", "!node_modules/keep"});
  std::vector<std::string> seen;
  walk_context(ctx_, &pm, [&](const ContextEntry& e) {
    seen.push_back(e.path);
    return e.path == "node_modules" ? WalkAction::SkipDir : WalkAction::Continue;
  });
  EXPECT_EQ(seen, (Paths{"Dockerfile", "a.txt", "app", "app/main.c", "app/src", "app/src/x.c", "app/x.tmp", "docs",
                         "docs/README.md", "docs/guide.txt", "link", "node_modules"}));
}

// Runs `fn` as an unprivileged user when we are root (root reads any
// directory), so that an unreadable directory really is unreadable.
int run_unprivileged(const std::function<int()>& fn) {
  if (::geteuid() != 0) return fn();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(99);
    int rc = 3;
    try {
      rc = fn();
    } catch (...) {
      rc = 2;
    }
    ::_exit(rc);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

TEST_F(ContextWalk, UnreadableExcludedDirectoryIsNoError) {
  ocbuild::make_dirs(ctx_ + "/secret/inner");
  ASSERT_EQ(::chmod((ctx_ + "/secret").c_str(), 0), 0);
  auto walk_with = [&](std::vector<std::string> patterns) {
    return run_unprivileged([&] {
      PatternMatcher pm(patterns);
      try {
        walk_context(ctx_, &pm, [](const ContextEntry&) { return WalkAction::Continue; });
        return 0;
      } catch (const ocbuild::Error& e) {
        return std::string(e.message()).find("secret") != std::string::npos ? 1 : 4;
      }
    });
  };
  EXPECT_EQ(walk_with({"secret"}), 0);               // skipped without opening
  EXPECT_EQ(walk_with({"secret", "!**/*.js"}), 0);   // entered, but EACCES is ignored
  EXPECT_EQ(walk_with({"other"}), 1);                // included: the error names the dir
  ::chmod((ctx_ + "/secret").c_str(), 0755);
}

}  // namespace
