#include "ocbuild/solver/stat_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::solver {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSecond = 1000000000;

StatKey key(int64_t size, int64_t mtime, int64_t ctime, uint64_t inode, uint32_t mode = 0100644) {
  return StatKey{size, mtime, ctime, inode, mode};
}

struct StatCacheTest : ::testing::Test {
  TempDir tmp{"ocbuild-statcache-test-"};
  std::string path = tmp.path() + "/cache/statcache-x";
  Digest a = Digest::of("a"), b = Digest::of("b");
};

TEST_F(StatCacheTest, SavedEntriesComeBackAfterReload) {
  {
    StatCache cache(path);
    EXPECT_EQ(cache.size(), 0u);
    cache.record("dir/a.txt", key(1, 10, 11, 7), a);
    cache.record("b\nwith newline", key(2, 20, 21, 8), b);
    cache.save();
  }
  StatCache cache(path);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.lookup("dir/a.txt", key(1, 10, 11, 7)), a);
  EXPECT_EQ(cache.lookup("b\nwith newline", key(2, 20, 21, 8)), b);
  EXPECT_FALSE(cache.lookup("other", key(1, 10, 11, 7)));
}

// Any field of the stat that differs is a miss: size, mtime, ctime, inode
// (a file replaced by rename) and mode.
TEST_F(StatCacheTest, AnyStatChangeInvalidates) {
  StatCache cache(path);
  cache.record("f", key(1, 10, 11, 7), a);
  EXPECT_TRUE(cache.lookup("f", key(1, 10, 11, 7)));
  EXPECT_FALSE(cache.lookup("f", key(2, 10, 11, 7)));
  EXPECT_FALSE(cache.lookup("f", key(1, 12, 11, 7)));
  EXPECT_FALSE(cache.lookup("f", key(1, 10, 13, 7)));
  EXPECT_FALSE(cache.lookup("f", key(1, 10, 11, 9)));
  EXPECT_FALSE(cache.lookup("f", key(1, 10, 11, 7, 0100755)));
}

TEST_F(StatCacheTest, NothingChangedMeansNoWrite) {
  StatCache cache(path);
  cache.save();
  EXPECT_FALSE(fs::exists(path));  // nothing recorded: no file written
  cache.record("f", key(1, 10, 11, 7), a);
  cache.save();
  auto written = fs::last_write_time(path);
  fs::last_write_time(path, written - std::chrono::hours(1));
  StatCache again(path);
  again.save();  // loaded, unchanged: not rewritten
  EXPECT_EQ(fs::last_write_time(path), written - std::chrono::hours(1));
}

// A flipped bit, a truncation or another version: start over, never a wrong digest.
TEST_F(StatCacheTest, CorruptOrForeignFileStartsOver) {
  {
    StatCache cache(path);
    cache.record("f", key(1, 10, 11, 7), a);
    cache.save();
  }
  std::string good = read_file(path);
  for (size_t at : {good.size() / 2, good.size() - 40, size_t(30)}) {
    std::string bad = good;
    bad[at] ^= 0x01;
    write_file_atomic(path, bad);
    EXPECT_EQ(StatCache(path).size(), 0u) << "flipped byte " << at;
  }
  write_file_atomic(path, good.substr(0, good.size() - 1));
  EXPECT_EQ(StatCache(path).size(), 0u);
  write_file_atomic(path, "ocbuild-statcache-v1\n1 10 11 7 33188 " + a.hex() + " 1 f\n");
  EXPECT_EQ(StatCache(path).size(), 0u);
  write_file_atomic(path, good);
  EXPECT_EQ(StatCache(path).size(), 1u);
}

TEST(RacyEntry, RecentOrSameSecondTimestampsAreRacy) {
  int64_t hashed = 1700000000 * kSecond + 700'000'000;  // .7 s into a second
  // Older than the window and in an earlier second: safe to cache.
  EXPECT_FALSE(racy_entry(key(1, hashed - 2 * kSecond, hashed - 2 * kSecond, 1), hashed));
  EXPECT_FALSE(racy_entry(key(1, hashed - 800'000'000, hashed - 800'000'000, 1), hashed));
  // Same second as the hashing (a 1 s timestamp file system could not tell a later write).
  EXPECT_TRUE(racy_entry(key(1, hashed - 600'000'000, hashed - 600'000'000, 1), hashed));
  EXPECT_TRUE(racy_entry(key(1, 1700000000 * kSecond, 1, 1), hashed));  // whole-second mtime
  // Within the clock granularity window, even across a second boundary.
  int64_t early = 1700000001 * kSecond + 20'000'000;
  EXPECT_TRUE(racy_entry(key(1, early - 50'000'000, early - 50'000'000, 1), early));
  // ctime counts as much as mtime (utimensat can set mtime back, not ctime).
  EXPECT_TRUE(racy_entry(key(1, hashed - 5 * kSecond, hashed - 10'000'000, 1), hashed));
  // In the future (clock skew, touch -d): racy.
  EXPECT_TRUE(racy_entry(key(1, hashed + 5 * kSecond, hashed - 5 * kSecond, 1), hashed));
}

// Content for file i: sizes from empty to a few hashing buffers.
std::string content(size_t i) {
  std::string s = "file " + std::to_string(i) + "\n";
  s.resize((i * 7919) % (600 * 1024), char('a' + i % 26));
  return i % 50 == 0 ? std::string() : s;
}

TEST(FileHasher, ParallelGivesTheSameDigestsAsSerial) {
  TempDir tmp("ocbuild-hasher-test-");
  std::vector<std::string> rel;
  for (size_t i = 0; i < 300; ++i) {
    std::string dir = tmp.path() + "/d" + std::to_string(i % 7);
    fs::create_directories(dir);
    rel.push_back("d" + std::to_string(i % 7) + "/f" + std::to_string(i));
    std::ofstream(tmp.path() + "/" + rel.back(), std::ios::binary) << content(i);
  }
  StatCache serial_cache, parallel_cache;
  FileHasher serial(tmp.path(), serial_cache, 1), parallel(tmp.path(), parallel_cache, 8);
  std::vector<Digest> one = serial.hash(rel), many = parallel.hash(rel);
  ASSERT_EQ(one.size(), rel.size());
  EXPECT_EQ(one, many);
  for (size_t i = 0; i < rel.size(); ++i) ASSERT_EQ(one[i], Digest::of(content(i))) << rel[i];
  EXPECT_EQ(serial.reads(), rel.size());
  EXPECT_EQ(parallel.reads(), rel.size());
}

TEST(FileHasher, JustWrittenFilesAreHashedButNotCached) {
  TempDir tmp("ocbuild-hasher-test-");
  std::ofstream(tmp.path() + "/new", std::ios::binary) << "fresh";
  StatCache cache;
  FileHasher hasher(tmp.path(), cache);
  EXPECT_EQ(hasher.hash({"new"}), std::vector<Digest>{Digest::of("fresh")});
  EXPECT_EQ(cache.size(), 0u);  // inside the racy window: next build reads it again
}

TEST(FileHasher, OldFilesAreCachedAndNeverReadTwice) {
  TempDir tmp("ocbuild-hasher-test-");
  std::ofstream(tmp.path() + "/old", std::ios::binary) << "settled";
  // Out of the racy window: into the next second and past the 100 ms granularity window.
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  ::usleep(useconds_t((kSecond - now.tv_nsec) / 1000 + 150 * 1000));
  std::string cache_path = tmp.path() + "/statcache";
  {
    StatCache cache(cache_path);
    FileHasher hasher(tmp.path(), cache);
    EXPECT_EQ(hasher.hash({"old"}), std::vector<Digest>{Digest::of("settled")});
    EXPECT_EQ(hasher.reads(), 1u);
    cache.save();
  }
  StatCache cache(cache_path);
  FileHasher hasher(tmp.path(), cache);
  EXPECT_EQ(hasher.hash({"old"}), std::vector<Digest>{Digest::of("settled")});
  EXPECT_EQ(hasher.reads(), 0u);
  // Rewritten with the same size: new mtime/ctime, read again.
  std::ofstream(tmp.path() + "/old", std::ios::binary) << "SETTLED";
  EXPECT_EQ(hasher.hash({"old"}), std::vector<Digest>{Digest::of("SETTLED")});
  EXPECT_EQ(hasher.reads(), 1u);
}

TEST(FileHasher, UnreadableFileIsNamed) {
  TempDir tmp("ocbuild-hasher-test-");
  StatCache cache;
  FileHasher hasher(tmp.path(), cache);
  try {
    hasher.hash({"missing.txt"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("missing.txt"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace ocbuild::solver
