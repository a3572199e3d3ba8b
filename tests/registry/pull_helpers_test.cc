// The pieces behind pull/push that need no registry: local tag names, the
// blob source side file, and the bounded parallel runner.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/image_ref.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/pull.h"
#include "registry/blob_sources.h"
#include "registry/parallel.h"

namespace ocbuild::registry {
namespace {

std::optional<std::string> local(const std::string& text) { return local_ref_name(Reference::parse(text)); }

TEST(LocalRefName, FamiliarNameAndTagAsTheStoreExpects) {
  EXPECT_EQ(local("busybox"), "busybox:latest");
  EXPECT_EQ(local("docker.io/library/busybox:1.36"), "busybox:1.36");
  EXPECT_EQ(local("docker.io/user/app:2"), "user/app:2");
  EXPECT_EQ(local("127.0.0.1:5000/app:1"), "127.0.0.1:5000/app:1");
  std::string digest = Digest::of("x").str();
  EXPECT_EQ(local("127.0.0.1:5000/app@" + digest), std::nullopt);
  EXPECT_EQ(local("127.0.0.1:5000/app:3@" + digest), "127.0.0.1:5000/app:3");
  // Every name we produce is a valid store tag.
  for (const char* t : {"busybox", "127.0.0.1:5000/a/b:c", "docker.io/user/app:2"})
    EXPECT_EQ(parse_tag_ref(*local(t)).ref_name(), *local(t));
}

TEST(BlobSources, RecordsAndFindsAnotherRepositoryOnTheSameRegistry) {
  TempDir root("ocbuild-sources-");
  Digest a = Digest::of("a"), b = Digest::of("b");
  EXPECT_EQ(find_blob_source(root.path(), a, "reg:5000", "x"), std::nullopt);
  record_blob_sources(root.path(), "reg:5000", "lib/base", {a, b});
  record_blob_sources(root.path(), "other:5000", "lib/other", {a});
  EXPECT_EQ(find_blob_source(root.path(), a, "reg:5000", "app"), "lib/base");
  EXPECT_EQ(find_blob_source(root.path(), a, "reg:5000", "lib/base"), std::nullopt);  // same repository
  EXPECT_EQ(find_blob_source(root.path(), a, "other:5000", "app"), "lib/other");
  EXPECT_EQ(find_blob_source(root.path(), b, "third:1", "app"), std::nullopt);
  // A file of another version (or garbage) means "no hints" and is rewritten.
  write_file_atomic(root.path() + "/registry-sources.json", "{\"version\":99,\"blobs\":{}}");
  EXPECT_EQ(find_blob_source(root.path(), a, "reg:5000", "app"), std::nullopt);
  write_file_atomic(root.path() + "/registry-sources.json", "not json");
  record_blob_sources(root.path(), "reg:5000", "lib/base", {b});
  EXPECT_EQ(find_blob_source(root.path(), b, "reg:5000", "app"), "lib/base");
}

TEST(RunBounded, RunsEveryItemOnAtMostNThreads) {
  std::atomic<int> running{0}, peak{0}, done{0};
  std::atomic<bool> cancel{false};
  run_bounded(20, 3, [&](size_t) {
    int now = ++running;
    for (int p = peak; now > p && !peak.compare_exchange_weak(p, now);) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --running;
    ++done;
  }, &cancel);
  EXPECT_EQ(done, 20);
  EXPECT_LE(peak, 3);
  EXPECT_GE(peak, 2);
}

TEST(RunBounded, FirstFailureCancelsTheRestAndIsRethrown) {
  std::atomic<int> started{0};
  std::atomic<bool> cancel{false};
  EXPECT_THROW(run_bounded(100, 2, [&](size_t i) {
    ++started;
    if (i == 3) throw std::runtime_error("boom");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }, &cancel), std::runtime_error);
  EXPECT_TRUE(cancel);
  EXPECT_LT(started, 100);
}

}  // namespace
}  // namespace ocbuild::registry
