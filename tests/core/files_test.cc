#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/temp_dir.h"

using namespace ocbuild;
namespace fs = std::filesystem;

TEST(AtomicFile, CommitReplacesAndAbandonLeavesOld) {
  TempDir dir;
  std::string path = dir.path() + "/f";
  write_file_atomic(path, "one");
  EXPECT_EQ(read_file(path), "one");
  {
    AtomicFile f(path);
    f.write("two");
    // no commit: destructor must discard
  }
  EXPECT_EQ(read_file(path), "one");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(AtomicFile, ModeIsExactWhateverTheUmask) {
  TempDir dir;
  mode_t old = ::umask(077);
  write_file_atomic(dir.path() + "/f", "x", 0644);
  ::umask(old);
  struct stat st{};
  ASSERT_EQ(::stat((dir.path() + "/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST(ReadFile, MissingIsNotFound) {
  try {
    read_file("/nonexistent/ocbuild/file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
}

TEST(TempDir, RemovesTreeIncludingReadOnlyDirs) {
  std::string p;
  {
    TempDir d;
    p = d.path();
    fs::create_directories(p + "/a/b");
    write_file_atomic(p + "/a/b/f", "x");
    ::chmod((p + "/a").c_str(), 0500);
  }
  EXPECT_FALSE(fs::exists(p));
}

TEST(FileLock, SerializesWriters) {
  TempDir d;
  std::string lock = d.path() + "/lock";
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        FileLock l(lock);  // separate open file descriptions: flock excludes
        int v = counter;
        std::this_thread::yield();
        counter = v + 1;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 800);
}

TEST(Error, RendersLocationAndContext) {
  Error e(ErrorCode::Parse, "unknown instruction FOO", SourceRange{"Dockerfile", 7, 1});
  e.add_context("stage build");
  EXPECT_STREQ(e.what(), "Dockerfile:7:1: unknown instruction FOO\n  stage build");
}
