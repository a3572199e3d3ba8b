// Cache mount directories: naming, sharing modes (measured with real flocks
// from threads), ownership on creation, seeding from a base, list/prune, and
// a cache kept between two real RUN steps that never reaches a layer.
#include "ocbuild/snapshot/cache_mounts.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "snapshot/snapshot_fixture.h"

namespace ocbuild::snapshot::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct StatIds {
  uint32_t mode, uid, gid;
};

// lstat as the container sees it (subordinate ids read back as inside ids).
StatIds container_stat(const std::string& path) {
  std::string out = as_container_root([&] {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) throw Error::io("lstat " + path, errno);
    return std::to_string(st.st_mode & 07777) + " " + std::to_string(st.st_uid) + " " + std::to_string(st.st_gid);
  });
  StatIds ids{};
  std::sscanf(out.c_str(), "%u %u %u", &ids.mode, &ids.uid, &ids.gid);
  return ids;
}

class CacheMountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<TempDir>("ocbuild-cachetest-");
    caches_ = std::make_unique<CacheMounts>(tmp_->path() + "/store");
  }
  void TearDown() override { SnapshotTest::remove_as_container_root(std::move(tmp_)); }
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<CacheMounts> caches_;
};

TEST(CacheDirName, KeepsSafeCharactersAndNeverCollides) {
  std::string a = cache_dir_name("/root/.cache/go-build");
  EXPECT_EQ(a.substr(0, a.size() - 13), "_root_.cache_go-build");
  EXPECT_NE(cache_dir_name("/a/b"), cache_dir_name("/a_b"));
  EXPECT_NE(cache_dir_name("x"), cache_dir_name("x", "base"));
  EXPECT_EQ(cache_dir_name("x"), cache_dir_name("x"));
  EXPECT_EQ(cache_dir_name("..")[0], '_');
  EXPECT_LT(cache_dir_name(std::string(500, 'a')).size(), 70u);
}

TEST_F(CacheMountsTest, EmptyIdIsInvalid) {
  try {
    caches_->acquire("", CacheSharing::Shared);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
  }
}

TEST_F(CacheMountsTest, SharedLeasesUseOneDirectoryAtOnce) {
  CacheLease a = caches_->acquire("/var/cache/apt", CacheSharing::Shared);
  auto b = std::async(std::launch::async, [&] { return caches_->acquire("/var/cache/apt", CacheSharing::Shared); });
  ASSERT_EQ(b.wait_for(10s), std::future_status::ready) << "a shared lease waited for another";
  CacheLease lb = b.get();
  EXPECT_EQ(a.path(), lb.path());
  write_file_atomic(a.path() + "/f", "x");
  EXPECT_EQ(read_file(lb.path() + "/f"), "x");
}

TEST_F(CacheMountsTest, LockedLeaseWaitsForTheHolder) {
  std::optional<CacheLease> first = caches_->acquire("locked-id", CacheSharing::Locked);
  std::promise<void> started;
  auto second = std::async(std::launch::async, [&] {
    started.set_value();
    auto t0 = Clock::now();
    CacheLease l = caches_->acquire("locked-id", CacheSharing::Locked);
    return std::make_pair(Clock::now() - t0, l.path());
  });
  started.get_future().wait();
  std::this_thread::sleep_for(600ms);
  EXPECT_NE(second.wait_for(0s), std::future_status::ready) << "the second locked lease did not wait";
  std::string path = first->path();
  first.reset();
  auto [waited, second_path] = second.get();
  EXPECT_GE(waited, 500ms);
  EXPECT_EQ(second_path, path);  // the same directory, one after the other
}

TEST_F(CacheMountsTest, PrivateLeaseGetsAFreshDirectoryWhenInUse) {
  CacheLease shared = caches_->acquire("p", CacheSharing::Shared);
  write_file_atomic(shared.path() + "/in-shared", "1");
  std::string fresh_path;
  {
    CacheLease priv = caches_->acquire("p", CacheSharing::Private);
    EXPECT_NE(priv.path(), shared.path());
    EXPECT_EQ(priv.instance(), 1);
    EXPECT_FALSE(std::filesystem::exists(priv.path() + "/in-shared"));  // created from nothing
    write_file_atomic(priv.path() + "/in-private", "2");
    fresh_path = priv.path();
    CacheLease priv2 = caches_->acquire("p", CacheSharing::Private);
    EXPECT_EQ(priv2.instance(), 2);
  }
  CacheLease again = caches_->acquire("p", CacheSharing::Private);  // kept and reused
  EXPECT_EQ(again.path(), fresh_path);
  EXPECT_TRUE(std::filesystem::exists(again.path() + "/in-private"));
}

TEST_F(CacheMountsTest, PrivateLeaseUsesTheSharedDirectoryWhenFree) {
  std::string shared_path = caches_->acquire("q", CacheSharing::Shared).path();
  EXPECT_EQ(caches_->acquire("q", CacheSharing::Private).path(), shared_path);
}

TEST_F(CacheMountsTest, ModeAndOwnerApplyOnCreationOnly) {
  CacheOwner owner{0750, 1000, 1000};
  std::string path = caches_->acquire("owned", CacheSharing::Shared, owner).path();
  StatIds ids = container_stat(path);
  EXPECT_EQ(ids.mode, 0750u);
  if (many_ids_mapped()) {
    EXPECT_EQ(ids.uid, 1000u);
    EXPECT_EQ(ids.gid, 1000u);
  } else {  // a single mapping: the directory stays the user's (root inside)
    EXPECT_EQ(ids.uid, 0u);
  }
  CacheOwner other{0700, 0, 0};
  caches_->acquire("owned", CacheSharing::Shared, other);
  EXPECT_EQ(container_stat(path).mode, 0750u);  // an existing cache is left as it is
  EXPECT_EQ(container_stat(caches_->acquire("default", CacheSharing::Locked).path()).mode, 0755u);
}

TEST_F(CacheMountsTest, BaseSeedsANewCacheAndNamesAnotherOne) {
  std::string base = tmp_->path() + "/base";
  make_dirs(base + "/sub");
  write_file_atomic(base + "/sub/seed", "seed");
  std::string seeded = caches_->acquire("c", CacheSharing::Shared, {}, CacheBase{"stage-a", base}).path();
  EXPECT_EQ(read_file(seeded + "/sub/seed"), "seed");
  std::string plain = caches_->acquire("c", CacheSharing::Shared).path();
  EXPECT_NE(plain, seeded);
  EXPECT_FALSE(std::filesystem::exists(plain + "/sub"));
}

TEST_F(CacheMountsTest, ListsSizesAndPrunesWhatIsNotInUse) {
  {
    CacheLease a = caches_->acquire("/a", CacheSharing::Shared);
    write_file_atomic(a.path() + "/big", std::string(100000, 'x'));
  }
  CacheLease held = caches_->acquire("/b", CacheSharing::Shared);
  auto list = caches_->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "/a");
  EXPECT_GE(list[0].size, 100000u);
  EXPECT_FALSE(list[0].in_use);
  EXPECT_EQ(list[0].instances, 1);
  EXPECT_EQ(list[1].id, "/b");
  EXPECT_TRUE(list[1].in_use);
  EXPECT_GE(caches_->prune(), 100000u);
  list = caches_->list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "/b");
  EXPECT_TRUE(std::filesystem::exists(held.path()));
  CacheLease fresh = caches_->acquire("/a", CacheSharing::Shared);  // starts over, empty
  EXPECT_FALSE(std::filesystem::exists(fresh.path() + "/big"));
}

// Two RUN steps on a real snapshot store: the second sees what the first
// left in the cache, and neither layer holds the cache or its mount point.
class CacheMountRunTest : public SnapshotTest {};

TEST_P(CacheMountRunTest, CacheOutlivesTheRunAndStaysOutOfTheLayer) {
  SnapshotStore snapshots(*store_, GetParam());
  CacheMounts caches(tmp_->path() + "/store");
  std::optional<Digest> parent = snapshots.unpack({base_});
  std::vector<CommitResult> layers;
  for (const char* command : {"echo kept > /cache/item && echo layer > /in-layer", "cat /cache/item > /copied"}) {
    ActiveSnapshot active = snapshots.prepare(parent);
    CacheLease lease = caches.acquire("/cache", CacheSharing::Locked);
    RunSpec spec;
    spec.root = active.root();
    spec.argv = shell_argv({}, command);
    spec.mounts.push_back(MountSpec{MountSpec::Type::Bind, lease.path(), "/cache", false, ""});
    RunResult r = Executor().run(spec);
    ASSERT_TRUE(r.ok()) << command << ": " << ::testing::PrintToString(r.tail);
    active.record(r);
    layers.push_back(snapshots.commit(active, epoch_options()));
    parent = layers.back().chain_id;
  }
  EXPECT_EQ(read_file(caches.acquire("/cache", CacheSharing::Shared).path() + "/item"), "kept\n");
  // "etc" itself changes in every RUN on this base (the /etc/hosts stubs'
  // parent): only its entry, never a file under it.
  std::vector<std::string> first, second;
  for (const auto& e : entries(layers[0]))
    if (e.path != "etc") first.push_back(e.path);
  for (const auto& e : entries(layers[1]))
    if (e.path != "etc") second.push_back(e.path);
  EXPECT_THAT(first, ::testing::ElementsAre("in-layer"));
  EXPECT_THAT(second, ::testing::ElementsAre("copied"));
}

INSTANTIATE_TEST_SUITE_P(Drivers, CacheMountRunTest, ::testing::Values(Driver::Native, Driver::Overlay), driver_name);

}  // namespace
}  // namespace ocbuild::snapshot::test
