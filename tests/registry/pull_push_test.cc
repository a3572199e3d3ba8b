// Pull and push between a ContentStore and a real registry (docker-registry).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/base_image.h"
#include "ocbuild/registry/platform_select.h"
#include "ocbuild/registry/pull.h"
#include "ocbuild/registry/push.h"
#include "registry/registry_image.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::make_registry_image;
using ocbuild::testing::make_registry_index;
using ocbuild::testing::RegistryServer;
using ocbuild::testing::RegistrySuite;
using ocbuild::testing::run_command;

PullOptions for_platform(const std::string& arch) {
  PullOptions o;
  o.platform = Platform{arch, "linux", "", {}, ""};
  return o;
}

size_t entries_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

class PullPushTest : public RegistrySuite<PullPushTest> {
 protected:
  Reference ref(const std::string& repo_tag) const { return Reference::parse(server_->host() + "/" + repo_tag); }
  std::string host() const { return server_->host(); }

  TempDir dir_{"ocbuild-pullpush-"};
  ContentStore src_{dir_.path() + "/src"};
  ContentStore dst_{dir_.path() + "/dst"};
};

TEST_F(PullPushTest, PushThenPullIntoEmptyStore) {
  Descriptor local = make_registry_image(src_, "amd64", "round-trip", "app:1");
  PushResult pushed = push(src_, "app:1", ref("round/app:1"));
  EXPECT_EQ(pushed.digest, local.digest);
  EXPECT_EQ(pushed.stats.blobs_uploaded, 3);

  PullResult pulled = pull(dst_, ref("round/app:1"), for_platform("amd64"));
  EXPECT_EQ(pulled.digest, local.digest);
  EXPECT_EQ(pulled.manifest.digest, local.digest);
  EXPECT_FALSE(pulled.index);
  EXPECT_EQ(pulled.ref_name, host() + "/round/app:1");
  EXPECT_EQ(pulled.blobs_fetched, 3);
  auto tagged = dst_.resolve(host() + "/round/app:1");
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->digest, local.digest);
  for (const Digest& d : src_.reachable_from(local)) EXPECT_EQ(dst_.read(d), src_.read(d)) << d.str();
  EXPECT_EQ(entries_in(dst_.root() + "/ingest"), 0u);

  PullResult again = pull(dst_, ref("round/app:1"));
  EXPECT_EQ(again.blobs_fetched, 0);
  EXPECT_EQ(again.blobs_present, 3);
}

TEST_F(PullPushTest, SecondPushUploadsNothing) {
  make_registry_image(src_, "amd64", "twice", "twice:1");
  PushResult first = push(src_, "twice:1", ref("twice/app:1"));
  EXPECT_EQ(first.stats.blobs_uploaded, 3);
  PushResult second = push(src_, "twice:1", ref("twice/app:1"));
  EXPECT_EQ(second.digest, first.digest);
  EXPECT_EQ(second.stats.blobs_uploaded, 0);
  EXPECT_EQ(second.stats.bytes_uploaded, 0);
  EXPECT_EQ(second.stats.blobs_skipped, 3);
}

TEST_F(PullPushTest, IndexPullsTheHostPlatformOrTheOneAskedFor) {
  Descriptor amd = make_registry_image(src_, "amd64", "multi");
  Descriptor arm = make_registry_image(src_, "arm64", "multi");
  Descriptor idx = make_registry_index(src_, {amd, arm}, "multi:1");
  PushResult pushed = push(src_, "multi:1", ref("multi/app:1"));
  EXPECT_EQ(pushed.digest, idx.digest);

  PullResult host_pull = pull(dst_, ref("multi/app:1"));
  ASSERT_TRUE(host_pull.index);
  EXPECT_EQ(host_pull.digest, idx.digest);
  std::string host_arch = host_platform().architecture;
  EXPECT_EQ(host_pull.manifest.digest, host_arch == "arm64" ? arm.digest : amd.digest);
  EXPECT_TRUE(dst_.has(idx.digest));
  EXPECT_EQ(dst_.resolve(host() + "/multi/app:1")->digest, host_pull.manifest.digest);

  ContentStore other(dir_.path() + "/other");
  PullResult arm_pull = pull(other, ref("multi/app:1"), for_platform("arm64"));
  EXPECT_EQ(arm_pull.manifest.digest, arm.digest);
  EXPECT_FALSE(other.has(amd.digest));
  ASSERT_TRUE(arm_pull.manifest.platform);
  EXPECT_EQ(arm_pull.manifest.platform->architecture, "arm64");

  ContentStore none(dir_.path() + "/none");
  try {
    pull(none, ref("multi/app:1"), for_platform("s390x"));
    FAIL() << "pulled a platform the index lacks";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.message(), "image " + host() + "/multi/app:1 has no linux/s390x manifest (has: linux/amd64, linux/arm64/v8)");
  }
  EXPECT_TRUE(none.list_tags().empty());
}

TEST_F(PullPushTest, MultiPlatformIndexVariantsAreNormalized) {
  Descriptor amd = make_registry_image(src_, "amd64", "variants");
  Descriptor arm64 = make_registry_image(src_, "arm64", "variants", "", "v8");
  Descriptor arm7 = make_registry_image(src_, "arm", "variants", "", "v7");
  Descriptor arm6 = make_registry_image(src_, "arm", "variants", "", "v6");
  make_registry_index(src_, {amd, arm6, arm7, arm64}, "variants:1");
  push(src_, "variants:1", ref("variants/app:1"));
  auto pulled = [&](const std::string& platform) {
    ContentStore store(dir_.path() + "/" + platform);
    PullOptions o;
    o.platform = parse_platform(platform);
    return pull(store, ref("variants/app:1"), o).manifest.digest;
  };
  EXPECT_EQ(pulled("linux/arm"), arm7.digest);  // arm's default variant is v7
  EXPECT_EQ(pulled("linux/arm/v6"), arm6.digest);
  EXPECT_EQ(pulled("linux/arm/v8"), arm7.digest);  // an older variant runs
  EXPECT_EQ(pulled("linux/arm64"), arm64.digest);  // arm64's default variant is v8
  EXPECT_EQ(pulled("linux/amd64/v1"), amd.digest);
  try {
    pulled("linux/arm/v5");
    FAIL() << "pulled a newer arm variant for an older machine";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "image " + host() + "/variants/app:1 has no linux/arm/v5 manifest (has: linux/amd64, "
                           "linux/arm/v6, linux/arm/v7, linux/arm64/v8)");
  }
}

TEST_F(PullPushTest, PlainManifestMustMatchThePlatform) {
  Descriptor arm = make_registry_image(src_, "arm64", "plain", "plain:1");
  push(src_, "plain:1", ref("plain/app:1"));
  try {
    pull(dst_, ref("plain/app:1"), for_platform("amd64"));
    FAIL() << "pulled an arm64-only image for amd64";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.message(), "image " + host() + "/plain/app:1 has no linux/amd64 manifest (has: linux/arm64)");
  }
  EXPECT_TRUE(dst_.list_tags().empty());
  ocbuild::Manifest m = parse_manifest(src_.read(arm.digest));
  for (const auto& layer : m.layers) EXPECT_FALSE(dst_.has(layer.digest)) << "a layer was fetched before the check";

  PullResult ok = pull(dst_, ref("plain/app:1"), for_platform("arm64"));
  EXPECT_EQ(ok.manifest.digest, arm.digest);
  EXPECT_EQ(ok.blobs_fetched, 2);  // the config came with the failed attempt
  EXPECT_EQ(ok.blobs_present, 1);
}

TEST_F(PullPushTest, PlainManifestWithoutPlatformIsPulledWithAWarning) {
  Descriptor bare = make_registry_image(src_, "", "bare", "bare:1");
  push(src_, "bare:1", ref("bare/app:1"));
  std::vector<std::string> warnings;
  PullOptions o = for_platform("amd64");
  o.warn = [&](const std::string& w) { warnings.push_back(w); };
  PullResult r = pull(dst_, ref("bare/app:1"), o);
  EXPECT_EQ(r.manifest.digest, bare.digest);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "image " + host() + "/bare/app:1: its config names no os/architecture; assuming it runs on "
                         "linux/amd64");
  ASSERT_TRUE(r.manifest.platform);
  EXPECT_EQ(r.manifest.platform->architecture, "amd64");
}

TEST_F(PullPushTest, PinnedDigestIsPulledAndNotTagged) {
  Descriptor local = make_registry_image(src_, "amd64", "pinned", "pinned:1");
  push(src_, "pinned:1", ref("pinned/app:1"));
  PullResult r = pull(dst_, ref("pinned/app@" + local.digest.str()));
  EXPECT_EQ(r.manifest.digest, local.digest);
  EXPECT_EQ(r.ref_name, "");
  EXPECT_TRUE(dst_.list_tags().empty());
  EXPECT_EQ(find_image(dst_, host() + "/pinned/app@" + local.digest.str()).digest, local.digest);
  // A digest the repository does not have is an error, not an empty pull.
  EXPECT_THROW(pull(dst_, ref("pinned/app@" + Digest::of("nothing").str())), Error);
}

TEST_F(PullPushTest, TamperedBlobFailsAndLeavesNothing) {
  Descriptor local = make_registry_image(src_, "amd64", "tamper", "tamper:1");
  push(src_, "tamper:1", ref("tamper/app:1"));
  ocbuild::Manifest m = parse_manifest(src_.read(local.digest));
  const Digest& victim = m.layers[1].digest;
  std::string data = server_->blob_data_path(victim.hex());
  std::string bytes = read_file(data);
  bytes[bytes.size() / 2] ^= 0x5a;
  std::filesystem::permissions(data, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(data, std::ios::binary | std::ios::trunc) << bytes;

  try {
    PullOptions serial;
    serial.parallel_downloads = 1;
    pull(dst_, ref("tamper/app:1"), serial);
    FAIL() << "a tampered blob was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("digest mismatch"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dst_.list_tags().empty());
  EXPECT_FALSE(dst_.has(victim));
  EXPECT_FALSE(dst_.has(local.digest));
  EXPECT_EQ(entries_in(dst_.root() + "/ingest"), 0u);
}

TEST_F(PullPushTest, PushedBlobsAreMountedIntoAnotherRepository) {
  Descriptor local = make_registry_image(src_, "amd64", "mount", "mount:1");
  push(src_, "mount:1", ref("mount/base:1"));
  pull(dst_, ref("mount/base:1"));
  PushResult r = push(dst_, host() + "/mount/base:1", ref("mount/derived:1"));
  EXPECT_EQ(r.digest, local.digest);
  EXPECT_EQ(r.stats.blobs_mounted, 3);
  EXPECT_EQ(r.stats.blobs_uploaded, 0);
  EXPECT_TRUE(std::filesystem::exists(dst_.root() + "/registry-sources.json"));
}

TEST_F(PullPushTest, ProgressReportsEveryBlob) {
  make_registry_image(src_, "amd64", "progress", "progress:1");
  push(src_, "progress:1", ref("progress/app:1"));
  std::mutex mu;
  std::map<std::string, int64_t> last;
  PullOptions o;
  o.progress = [&](const Descriptor& b, int64_t done, bool) {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_GE(done, last[b.digest.str()]);
    last[b.digest.str()] = done;
  };
  PullResult r = pull(dst_, ref("progress/app:1"), o);
  ASSERT_EQ(last.size(), 3u);
  int64_t total = 0;
  for (const auto& [d, n] : last) total += n;
  EXPECT_EQ(total, r.bytes_fetched);
}

TEST_F(PullPushTest, BaseImageMissingUsesLocalAlwaysChecksRegistry) {
  Descriptor v1 = make_registry_image(src_, "amd64", "base-v1", "base:1");
  push(src_, "base:1", ref("base/img:1"));
  Platform amd64{"amd64", "linux", "", {}, ""};
  std::string text = host() + "/base/img:1";
  EXPECT_EQ(resolve_base_image(dst_, text, amd64).digest, v1.digest);  // pulled
  EXPECT_EQ(dst_.resolve(text)->digest, v1.digest);

  Descriptor v2 = make_registry_image(src_, "amd64", "base-v2", "base:2");
  push(src_, "base:2", ref("base/img:1"));  // the tag moves on the registry
  EXPECT_EQ(resolve_base_image(dst_, text, amd64).digest, v1.digest);  // Missing: local wins
  BaseImageOptions always;
  always.policy = PullPolicy::Always;
  EXPECT_EQ(resolve_base_image(dst_, text, amd64, always).digest, v2.digest);
  EXPECT_EQ(dst_.resolve(text)->digest, v2.digest);
  EXPECT_EQ(resolve_base_image(dst_, text, amd64, always).digest, v2.digest);  // up to date

  // A local image never touches the network under Missing: nothing listens on port 1.
  dst_.tag("127.0.0.1:1/offline/img:1", v2);
  EXPECT_EQ(resolve_base_image(dst_, "127.0.0.1:1/offline/img:1", amd64).digest, v2.digest);
  EXPECT_THROW(resolve_base_image(dst_, "127.0.0.1:1/offline/img:1", amd64, always), Error);
}

TEST_F(PullPushTest, SkopeoInspectsWhatWasPushed) {
  if (!ocbuild::testing::have_program("skopeo")) GTEST_SKIP() << "skopeo is not installed";
  Descriptor local = make_registry_image(src_, "amd64", "skopeo", "skopeo:1");
  push(src_, "skopeo:1", ref("skopeo/app:1"));
  auto r = run_command("skopeo inspect --tls-verify=false docker://" + host() + "/skopeo/app:1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(local.digest.str()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"Architecture\": \"amd64\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ocbuild::registry
