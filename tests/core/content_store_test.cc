#include "ocbuild/core/content_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"
#include "support/test_image.h"

namespace ocbuild {
namespace {

namespace fs = std::filesystem;

size_t count_files(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(ContentStore, CreatesAnOciLayout) {
  TempDir tmp;
  ContentStore store(tmp.path() + "/store");
  EXPECT_EQ(read_file(tmp.path() + "/store/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  EXPECT_EQ(read_file(tmp.path() + "/store/index.json"),
            R"({"manifests":[],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2})");
  EXPECT_TRUE(fs::is_directory(tmp.path() + "/store/blobs/sha256"));
}

TEST(ContentStore, IngestBytesAndRead) {
  TempDir tmp;
  ContentStore store(tmp.path());
  Digest d = store.ingest_bytes("hello");
  EXPECT_EQ(d, Digest::of("hello"));
  EXPECT_TRUE(store.has(d));
  EXPECT_EQ(store.read(d), "hello");
  EXPECT_EQ(*store.blob_size(d), 5);
  EXPECT_EQ(store.blob_path(d), tmp.path() + "/blobs/sha256/" + d.hex());
  EXPECT_EQ(store.ingest_bytes("hello", d), d);  // idempotent
  EXPECT_FALSE(store.has(Digest::of("nope")));
  EXPECT_EQ(store.blob_size(Digest::of("nope")), std::nullopt);
  try {
    store.read(Digest::of("nope"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
}

TEST(ContentStore, DigestMismatchIsRefusedAndLeavesNothing) {
  TempDir tmp;
  ContentStore store(tmp.path());
  Digest claimed = Digest::of("the real content");
  try {
    store.ingest_bytes("tampered content", claimed);
    FAIL() << "mismatch accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_NE(std::string(e.what()).find(claimed.str()), std::string::npos);
  }
  write_file_atomic(tmp.path() + "/src.bin", "corrupt");
  EXPECT_THROW(store.ingest_file(tmp.path() + "/src.bin", claimed), Error);
  EXPECT_THROW(store.ingest_file(tmp.path() + "/src.bin", Digest::of("corrupt"), 99), Error);  // size
  EXPECT_EQ(count_files(tmp.path() + "/blobs/sha256"), 0u);
  EXPECT_EQ(count_files(tmp.path() + "/ingest"), 0u);
}

TEST(ContentStore, BlobWriterStreamsAndDiscardsWhenNotCommitted) {
  TempDir tmp;
  ContentStore store(tmp.path());
  {
    BlobWriter w = store.writer();
    w.write("partial");
  }
  EXPECT_EQ(count_files(tmp.path() + "/ingest"), 0u);
  BlobWriter w = store.writer();
  std::string all;
  for (int i = 0; i < 1000; i++) {
    std::string chunk = "chunk " + std::to_string(i) + "\n";
    w.write(chunk);
    all += chunk;
  }
  EXPECT_EQ(w.size(), static_cast<int64_t>(all.size()));
  Digest d = w.commit(Digest::of(all));
  EXPECT_EQ(store.read(d), all);
  EXPECT_EQ(count_files(tmp.path() + "/ingest"), 0u);
}

TEST(ContentStore, TagResolveUntagList) {
  TempDir tmp;
  ContentStore store(tmp.path());
  auto img = testing::make_test_image(store, "app:1.0");
  ASSERT_TRUE(store.resolve("app:1.0"));
  EXPECT_EQ(store.resolve("app:1.0")->digest, img.manifest.digest);
  EXPECT_EQ(store.resolve("app:2.0"), std::nullopt);
  store.tag("app:latest", img.manifest);
  store.tag("app:1.0", img.manifest);  // retag replaces, no duplicate
  auto tags = store.list_tags();
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].ref_name, "app:1.0");
  EXPECT_EQ(tags[1].ref_name, "app:latest");
  EXPECT_TRUE(tags[0].descriptor.annotations.empty());
  EXPECT_TRUE(store.untag("app:1.0"));
  EXPECT_FALSE(store.untag("app:1.0"));
  EXPECT_EQ(store.list_tags().size(), 1u);
  EXPECT_THROW(store.tag("x:1", Descriptor{media_type::kOciManifest, Digest::of("absent"), 1, {}, {}, {}}), Error);
}

TEST(ContentStore, GarbageCollectionKeepsOnlyReachableBlobs) {
  TempDir tmp;
  ContentStore store(tmp.path());
  auto a = testing::make_test_image(store, "a:1");
  auto b = testing::make_test_image(store, "b:1");
  Digest stray = store.ingest_bytes("stray");
  store.tag("a:2", a.manifest);
  EXPECT_EQ(store.collect_garbage().blobs_removed, 1u);  // only the stray blob
  EXPECT_FALSE(store.has(stray));
  store.untag("b:1");
  GcResult r = store.collect_garbage();
  EXPECT_EQ(r.blobs_removed, 3u);  // b's manifest, config and layer
  EXPECT_FALSE(store.has(b.manifest.digest));
  EXPECT_TRUE(store.has(a.layer));
  store.untag("a:1");
  EXPECT_EQ(store.collect_garbage().blobs_removed, 0u);  // a:2 still holds a
  store.untag("a:2");
  EXPECT_EQ(store.collect_garbage().blobs_removed, 3u);
  EXPECT_EQ(count_files(tmp.path() + "/blobs/sha256"), 0u);
}

TEST(ContentStore, GraceKeepsRecentBlobs) {
  TempDir tmp;
  ContentStore store(tmp.path());
  Digest d = store.ingest_bytes("in flight");
  EXPECT_EQ(store.collect_garbage(std::chrono::seconds(3600)).blobs_removed, 0u);
  EXPECT_TRUE(store.has(d));
}

TEST(ContentStore, LeaseDefersGarbageCollection) {
  TempDir tmp;
  ContentStore store(tmp.path());
  Digest d = store.ingest_bytes("a build's first layer");
  {
    FileLock lease = store.lease();
    FileLock another = ContentStore(tmp.path()).lease();  // leases share
    GcResult r = store.collect_garbage();
    EXPECT_TRUE(r.deferred);
    EXPECT_TRUE(store.has(d));
  }
  GcResult r = store.collect_garbage();
  EXPECT_FALSE(r.deferred);
  EXPECT_EQ(r.blobs_removed, 1u);
}

TEST(ContentStore, ConcurrentTaggingFromThreadsLosesNothing) {
  TempDir tmp;
  ContentStore store(tmp.path());
  auto img = testing::make_test_image(store, "base:1");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&, t] {
      ContentStore s(tmp.path());
      for (int i = 0; i < 25; i++) s.tag("t" + std::to_string(t) + ":" + std::to_string(i), img.manifest);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(store.list_tags().size(), 101u);
}

TEST(ContentStore, ConcurrentTaggingFromProcessesLosesNothing) {
  TempDir tmp;
  ContentStore store(tmp.path());
  auto img = testing::make_test_image(store, "base:1");
  std::vector<pid_t> kids;
  for (int p = 0; p < 4; p++) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        ContentStore s(tmp.path());
        for (int i = 0; i < 25; i++) {
          s.tag("p" + std::to_string(p) + ":" + std::to_string(i), img.manifest);
          if (i % 5 == 4) s.untag("p" + std::to_string(p) + ":" + std::to_string(i));
        }
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  EXPECT_EQ(store.list_tags().size(), 1u + 4u * 20u);
}

TEST(ContentStore, SkopeoAndUmociReadTheStore) {
  if (!testing::have_program("skopeo") || !testing::have_program("umoci")) GTEST_SKIP() << "skopeo/umoci missing";
  TempDir tmp;
  std::string root = tmp.path() + "/store";
  ContentStore store(root);
  auto img = testing::make_test_image(store, "app:1.0");
  auto r = testing::run_command("skopeo inspect oci:" + root + ":app:1.0");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(img.manifest.digest.str()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"test.ref\": \"app:1.0\""), std::string::npos) << r.output;
  r = testing::run_command("cd " + tmp.path() + " && umoci unpack --rootless --image " + root +
                           ":app:1.0 bundle");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_file(tmp.path() + "/bundle/rootfs/hello.txt"), "hello from app:1.0\n");
}

}  // namespace
}  // namespace ocbuild
