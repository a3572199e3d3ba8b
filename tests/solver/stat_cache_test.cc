#include "ocbuild/solver/stat_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

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

// The v3 layout the tests poke at (see stat_cache_file.cc).
constexpr size_t kHeaderSize = 64, kRecordSize = 88;

void flip(const std::string& path, size_t at) {
  std::string bytes = read_file(path);
  ASSERT_LT(at, bytes.size());
  bytes[at] ^= 0x01;
  write_file_atomic(path, bytes);
}

// A damaged header, a truncation, another magic or the v2 format: an empty
// cache, never a wrong digest.
TEST_F(StatCacheTest, DamagedHeaderTruncatedOrOlderFileIsEmpty) {
  {
    StatCache cache(path);
    cache.record("f", key(1, 10, 11, 7), a);
    cache.save();
  }
  std::string good = read_file(path);
  ASSERT_EQ(good.size(), kHeaderSize + kRecordSize + 1);
  for (size_t at : {size_t(0), size_t(16), size_t(24), size_t(40), size_t(56)}) {
    std::string bad = good;
    bad[at] ^= 0x01;
    write_file_atomic(path, bad);
    StatCache cache(path);
    EXPECT_EQ(cache.size(), 0u) << "flipped byte " << at;
    EXPECT_FALSE(cache.lookup("f", key(1, 10, 11, 7))) << "flipped byte " << at;
  }
  for (size_t len : {good.size() - 1, kHeaderSize + 10, kHeaderSize, size_t(10), size_t(0)}) {
    write_file_atomic(path, good.substr(0, len));
    StatCache cache(path);
    EXPECT_EQ(cache.size(), 0u) << "truncated to " << len;
    EXPECT_FALSE(cache.lookup("f", key(1, 10, 11, 7))) << "truncated to " << len;
  }
  write_file_atomic(path, good + "x");  // trailing bytes: bounds do not add up
  EXPECT_EQ(StatCache(path).size(), 0u);
  // A v2 file (header, one entry, checksum) as the previous version wrote it.
  std::string v2 = "ocbuild-statcache-v2\n" + std::string(72, '\0') + "f" + std::string(32, '\0');
  write_file_atomic(path, v2);
  EXPECT_EQ(StatCache(path).size(), 0u);
  EXPECT_FALSE(StatCache(path).lookup("f", key(0, 0, 0, 0, 0)));
  write_file_atomic(path, good);
  EXPECT_EQ(StatCache(path).lookup("f", key(1, 10, 11, 7)), a);
}

// A flipped bit in one record (its fields, digest or path) makes only that
// lookup miss; the save after it drops the damaged record.
TEST_F(StatCacheTest, FlippedByteInOneRecordMissesOnlyThatEntry) {
  std::vector<std::string> names = {"dir/a.txt", "dir/b.txt", "dir/c.txt"};
  {
    StatCache cache(path);
    for (size_t i = 0; i < names.size(); ++i) cache.record(names[i], key(int64_t(i), 10, 11, i), Digest::of(names[i]));
    cache.save();
  }
  std::string good = read_file(path);
  size_t b_record = kHeaderSize + kRecordSize;  // sorted: dir/b.txt is the second record
  size_t b_path = good.find("dir/b.txt");
  for (size_t at : {b_record + 0, b_record + 12, b_record + 16, b_record + 40, b_record + 60, b_record + 80,
                    b_path + 4}) {  // the last turns dir/b.txt into dir/c.txt
    write_file_atomic(path, good);
    flip(path, at);
    StatCache cache(path);
    EXPECT_EQ(cache.lookup("dir/a.txt", key(0, 10, 11, 0)), Digest::of("dir/a.txt")) << at;
    EXPECT_FALSE(cache.lookup("dir/b.txt", key(1, 10, 11, 1))) << at;
    EXPECT_EQ(cache.lookup("dir/c.txt", key(2, 10, 11, 2)), Digest::of("dir/c.txt")) << at;
    cache.record("new", key(3, 10, 11, 3), a);
    cache.save();
    StatCache merged(path);
    EXPECT_EQ(merged.size(), 3u) << at;  // a, c and new: the damaged record is gone
    EXPECT_EQ(merged.lookup("dir/c.txt", key(2, 10, 11, 2)), Digest::of("dir/c.txt")) << at;
  }
}

std::string name_of(size_t i) { return "d" + std::to_string(i % 17) + "/f" + std::to_string(i * 7919 % 10007); }

TEST_F(StatCacheTest, ManyEntriesRoundTrip) {
  constexpr size_t kCount = 5000;
  {
    StatCache cache(path);
    for (size_t i = 0; i < kCount; ++i) cache.record(name_of(i), key(int64_t(i), 10, 11, i), Digest::of(name_of(i)));
    cache.save();
  }
  StatCache cache(path);
  EXPECT_EQ(cache.size(), kCount);
  for (size_t i = 0; i < kCount; ++i) ASSERT_EQ(cache.lookup(name_of(i), key(int64_t(i), 10, 11, i)), Digest::of(name_of(i))) << i;
  EXPECT_FALSE(cache.lookup("d0", key(0, 10, 11, 0)));
  EXPECT_FALSE(cache.lookup("d0/", key(0, 10, 11, 0)));
  EXPECT_FALSE(cache.lookup("zzz", key(0, 10, 11, 0)));
  EXPECT_FALSE(cache.lookup("", key(0, 10, 11, 0)));
  EXPECT_FALSE(cache.lookup(name_of(5), key(6, 10, 11, 5)));
}

// This build's entries are looked up first and merged into the stored ones.
TEST_F(StatCacheTest, OverlayWinsAndMergesIntoTheFile) {
  {
    StatCache cache(path);
    cache.record("m", key(1, 10, 11, 1), a);
    cache.record("z", key(2, 10, 11, 2), a);
    cache.save();
  }
  {
    StatCache cache(path);
    cache.record("m", key(3, 30, 31, 1), b);  // changed file
    cache.record("a", key(4, 10, 11, 4), b);  // new, before everything
    cache.record("n", key(5, 10, 11, 5), b);  // new, between
    EXPECT_FALSE(cache.lookup("m", key(1, 10, 11, 1)));  // the overlay hides the stale stored entry
    EXPECT_EQ(cache.lookup("m", key(3, 30, 31, 1)), b);
    EXPECT_EQ(cache.lookup("z", key(2, 10, 11, 2)), a);
    EXPECT_EQ(cache.size(), 4u);
    cache.save();
    EXPECT_EQ(cache.size(), 4u);  // still usable after save
    EXPECT_EQ(cache.lookup("n", key(5, 10, 11, 5)), b);
  }
  StatCache cache(path);
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.lookup("a", key(4, 10, 11, 4)), b);
  EXPECT_EQ(cache.lookup("m", key(3, 30, 31, 1)), b);
  EXPECT_FALSE(cache.lookup("m", key(1, 10, 11, 1)));
  EXPECT_EQ(cache.lookup("n", key(5, 10, 11, 5)), b);
  EXPECT_EQ(cache.lookup("z", key(2, 10, 11, 2)), a);
}

// Stored entries under a listed directory that this build did not look up
// are dropped; entries elsewhere (even sharing the name prefix) are kept.
TEST_F(StatCacheTest, ListedDirectoryPrunesEntriesNotLookedUp) {
  std::vector<std::string> names = {"d/gone", "d/kept", "d/sub/gone", "d/sub/kept", "d.txt", "d0/x", "e/x"};
  {
    StatCache cache(path);
    for (const auto& n : names) cache.record(n, key(1, 10, 11, 1), a);
    cache.save();
  }
  {
    StatCache cache(path);
    EXPECT_TRUE(cache.lookup("d/kept", key(1, 10, 11, 1)));
    EXPECT_FALSE(cache.lookup("d/sub/kept", key(2, 10, 11, 1)));  // seen, changed: kept until re-recorded
    cache.listed("d");
    cache.save();
  }
  StatCache cache(path);
  EXPECT_EQ(cache.size(), 5u);
  EXPECT_FALSE(cache.lookup("d/gone", key(1, 10, 11, 1)));
  EXPECT_FALSE(cache.lookup("d/sub/gone", key(1, 10, 11, 1)));
  for (const char* kept : {"d/kept", "d/sub/kept", "d.txt", "d0/x", "e/x"})
    EXPECT_TRUE(cache.lookup(kept, key(1, 10, 11, 1))) << kept;
}

TEST_F(StatCacheTest, ListedRootPrunesEverythingNotLookedUp) {
  {
    StatCache cache(path);
    cache.record("x", key(1, 10, 11, 1), a);
    cache.record("y/z", key(1, 10, 11, 1), a);
    cache.save();
  }
  {
    StatCache cache(path);
    EXPECT_TRUE(cache.lookup("y/z", key(1, 10, 11, 1)));
    cache.listed("");
    cache.save();
  }
  EXPECT_EQ(StatCache(path).size(), 1u);
}

// Nothing to prune and nothing recorded: the file is not rewritten.
TEST_F(StatCacheTest, ListedDirectoryWithNothingToPruneMeansNoWrite) {
  {
    StatCache cache(path);
    cache.record("d/a", key(1, 10, 11, 1), a);
    cache.record("e/a", key(1, 10, 11, 1), a);
    cache.save();
  }
  auto old = fs::last_write_time(path) - std::chrono::hours(1);
  fs::last_write_time(path, old);
  StatCache cache(path);
  EXPECT_TRUE(cache.lookup("d/a", key(1, 10, 11, 1)));
  cache.listed("d");
  cache.save();
  EXPECT_EQ(fs::last_write_time(path), old);
}

// FileHasher looks up and records from several threads at once.
TEST_F(StatCacheTest, ConcurrentLookupsAndRecords) {
  constexpr size_t kStored = 2000, kThreads = 8, kPerThread = 300;
  {
    StatCache cache(path);
    for (size_t i = 0; i < kStored; ++i) cache.record("s/" + std::to_string(i), key(int64_t(i), 10, 11, i), a);
    cache.save();
  }
  StatCache cache(path);
  std::atomic<size_t> wrong{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t j = 0; j < kPerThread; ++j) {
        size_t i = (t * kPerThread + j) % kStored;
        if (cache.lookup("s/" + std::to_string(i), key(int64_t(i), 10, 11, i)) != a) ++wrong;
        std::string mine = "t" + std::to_string(t) + "/" + std::to_string(j);
        cache.record(mine, key(int64_t(j), 10, 11, t), b);
        if (cache.lookup(mine, key(int64_t(j), 10, 11, t)) != b) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0u);
  cache.save();
  StatCache reloaded(path);
  EXPECT_EQ(reloaded.size(), kStored + kThreads * kPerThread);
  EXPECT_EQ(reloaded.lookup("t3/17", key(17, 10, 11, 3)), b);
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
