#include "ocbuild/solver/cache_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild::solver {
namespace {

CacheResult sample_result() {
  CacheResult r;
  exporter::Layer layer;
  layer.blob.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  layer.blob.digest = Digest::of("blob");
  layer.blob.size = 1234;
  layer.diff_id = Digest::of("tar");
  layer.uncompressed_size = 4096;
  r.layer = layer;
  r.config_json = R"({"Env":["PATH=/bin"]})";
  r.created = 1700000000;
  r.fields = {{"command", "[\"make\"]"}, {"arg:V", "1"}};
  return r;
}

struct DiskStoreTest : ::testing::Test {
  TempDir root{"ocbuild-cache-test-"};
  std::set<Digest> blobs{Digest::of("blob")};
  DiskCacheStore store{root.path(), [this](const Digest& d) { return blobs.count(d) > 0; }};
  Digest key = Digest::of("key");
};

TEST_F(DiskStoreTest, RoundTrip) {
  EXPECT_FALSE(store.lookup(key));
  store.store(key, sample_result());
  auto got = store.lookup(key);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, sample_result());
  EXPECT_TRUE(std::filesystem::exists(store.record_path(key)));
  EXPECT_EQ(store.record_path(key).find(root.path() + "/cache/"), 0u);
}

TEST_F(DiskStoreTest, NoLayerNeedsNoBlob) {
  CacheResult r = sample_result();
  r.layer.reset();
  blobs.clear();
  store.store(key, r);
  ASSERT_TRUE(store.lookup(key));
  EXPECT_FALSE(store.lookup(key)->layer);
}

TEST_F(DiskStoreTest, MissingBlobIsAMiss) {
  store.store(key, sample_result());
  blobs.clear();
  EXPECT_FALSE(store.lookup(key));
}

TEST_F(DiskStoreTest, CorruptRecordIsAMiss) {
  store.store(key, sample_result());
  std::string text = read_file(store.record_path(key));
  write_file_atomic(store.record_path(key), text.substr(0, text.size() / 2));
  EXPECT_FALSE(store.lookup(key));
  write_file_atomic(store.record_path(key), "\x00\xff garbage");
  EXPECT_FALSE(store.lookup(key));
  // A record stored under another key (a renamed file) is not trusted.
  write_file_atomic(store.record_path(key), encode_result(Digest::of("other"), sample_result()));
  EXPECT_FALSE(store.lookup(key));
}

TEST_F(DiskStoreTest, UnknownVersionIsAMiss) {
  std::string text = encode_result(key, sample_result());
  auto pos = text.find("ocbuild-cache-record-v1");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 23, "ocbuild-cache-record-v2");
  std::filesystem::create_directories(std::filesystem::path(store.record_path(key)).parent_path());
  write_file_atomic(store.record_path(key), text);
  EXPECT_FALSE(store.lookup(key));
}

TEST_F(DiskStoreTest, LastBuildRoundTripAndCorruption) {
  BuildId id{"/ctx", "Dockerfile", "final"};
  EXPECT_FALSE(store.last_build(id));
  LastBuild b;
  b.steps.push_back({"[1/2] FROM busybox", Digest::of("k1"), {{"source.digest", "sha256:x"}}, {}, "stage-0/1"});
  b.steps.push_back({"[2/2] COPY . /", Digest::of("k2"), {{"content:sources", "y"}}, {{"main.c", Digest::of("m"), "file 0644"}, {"sub", Digest(), "dir 0755"}}, "final/2"});
  store.save_last_build(id, b);
  ASSERT_TRUE(store.last_build(id));
  EXPECT_EQ(*store.last_build(id), b);
  EXPECT_FALSE(store.last_build(BuildId{"/ctx", "Dockerfile", "other"}));
  write_file_atomic(store.last_build_path(id), "{\"version\":\"ocbuild-last-build-v2\",\"steps\":[{}]}");
  EXPECT_FALSE(store.last_build(id));
}

// Two processes writing the same record at once both succeed, and the
// record read afterwards is always whole.
TEST_F(DiskStoreTest, ConcurrentWritersBothSucceed) {
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        for (int i = 0; i < 100; ++i) store.store(key, sample_result());
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (int i = 0; i < 100; ++i) {
    auto got = store.lookup(key);
    if (got) {
      EXPECT_EQ(*got, sample_result());
    }
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ASSERT_TRUE(store.lookup(key));
  // No temp files left behind.
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(store.record_path(key)).parent_path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

TEST(MemoryCacheStore, BehavesLikeAStore) {
  MemoryCacheStore store;
  Digest key = Digest::of("k");
  EXPECT_FALSE(store.lookup(key));
  store.store(key, sample_result());
  EXPECT_EQ(*store.lookup(key), sample_result());
  BuildId id{"/c", "Dockerfile", ""};
  store.save_last_build(id, LastBuild{});
  EXPECT_TRUE(store.last_build(id));
}

TEST(BuildId, DistinguishesItsParts) {
  EXPECT_NE((BuildId{"/a", "b", ""}.digest()), (BuildId{"/a", "", "b"}.digest()));
  EXPECT_NE((BuildId{"/a", "Dockerfile", ""}.digest()), (BuildId{"/b", "Dockerfile", ""}.digest()));
}

}  // namespace
}  // namespace ocbuild::solver
