// The one platform matcher (containerd's rules) and select_manifest() on a
// ContentStore: index entries, plain manifests checked against their config,
// and errors that list the platforms an image has.
#include "ocbuild/core/image_lookup.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"

namespace ocbuild {
namespace {

Platform pl(const std::string& text) { return parse_platform_text(text); }

Index index_of(std::initializer_list<std::string> platforms) {
  Index idx;
  int i = 0;
  for (const auto& p : platforms)
    idx.manifests.push_back({media_type::kOciManifest, Digest::of(std::to_string(i++)), 100, {}, {}, pl(p)});
  return idx;
}

std::optional<std::string> pick(const Index& idx, const std::string& want) {
  auto d = match_manifest(idx, pl(want));
  if (!d) return std::nullopt;
  return platform_string(*d->platform);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PlatformMatch, OsAndArchitectureMustMatch) {
  Index idx = index_of({"linux/amd64", "linux/arm64", "linux/arm/v7"});
  EXPECT_EQ(pick(idx, "linux/amd64"), "linux/amd64");
  EXPECT_EQ(pick(idx, "linux/arm64"), "linux/arm64");
  EXPECT_EQ(pick(idx, "linux/s390x"), std::nullopt);
  EXPECT_EQ(pick(idx, "windows/amd64"), std::nullopt);
  EXPECT_EQ(pick(index_of({"linux/arm/v7"}), "linux/arm64"), std::nullopt);  // no 32-bit fallback
  EXPECT_EQ(pick(index_of({"linux/386"}), "linux/amd64"), std::nullopt);
}

TEST(PlatformMatch, ArchitectureNamesAreNormalized) {
  EXPECT_TRUE(platform_matches(pl("linux/amd64"), pl("linux/x86_64")));
  EXPECT_TRUE(platform_matches(pl("linux/arm64"), pl("linux/aarch64")));
  EXPECT_TRUE(platform_matches(pl("linux/arm/v7"), pl("linux/armhf")));
  EXPECT_TRUE(platform_matches(pl("linux/arm/v6"), pl("linux/armel")));
  EXPECT_TRUE(platform_matches(pl("Linux/AMD64"), pl("linux/amd64")));
  EXPECT_EQ(platform_string(normalize_platform(pl("linux/aarch64"))), "linux/arm64/v8");
  EXPECT_EQ(platform_string(normalize_platform(pl("linux/i386"))), "linux/386");
}

TEST(PlatformMatch, Arm64DefaultVariantIsV8) {
  EXPECT_EQ(pick(index_of({"linux/amd64", "linux/arm64/v8"}), "linux/arm64"), "linux/arm64/v8");
  EXPECT_EQ(pick(index_of({"linux/arm64"}), "linux/arm64/v8"), "linux/arm64");
  EXPECT_TRUE(platform_matches(pl("linux/arm64/8"), pl("linux/arm64")));
  EXPECT_FALSE(platform_matches(pl("linux/arm64"), pl("linux/arm64/v9")));
}

TEST(PlatformMatch, ArmDefaultVariantIsV7AndOlderVariantsRun) {
  EXPECT_EQ(pick(index_of({"linux/arm/v7"}), "linux/arm"), "linux/arm/v7");
  EXPECT_EQ(pick(index_of({"linux/arm"}), "linux/arm/v7"), "linux/arm");
  Index idx = index_of({"linux/arm/v5", "linux/arm/v6", "linux/arm/v7"});
  EXPECT_EQ(pick(idx, "linux/arm/v7"), "linux/arm/v7");
  EXPECT_EQ(pick(idx, "linux/arm/v6"), "linux/arm/v6");
  EXPECT_EQ(pick(index_of({"linux/arm/v5", "linux/arm/v6"}), "linux/arm/v7"), "linux/arm/v6");  // newest that runs
  EXPECT_EQ(pick(index_of({"linux/arm/v7"}), "linux/arm/v6"), std::nullopt);                     // newer does not
  EXPECT_EQ(pick(index_of({"linux/arm/v8"}), "linux/arm"), std::nullopt);
}

TEST(PlatformMatch, Amd64VariantV1IsTheSameAsEmpty) {
  EXPECT_EQ(pick(index_of({"linux/amd64/v1"}), "linux/amd64"), "linux/amd64/v1");
  EXPECT_EQ(pick(index_of({"linux/amd64"}), "linux/amd64/v1"), "linux/amd64");
  EXPECT_EQ(pick(index_of({"linux/amd64/v3"}), "linux/amd64"), std::nullopt);
  EXPECT_EQ(pick(index_of({"linux/amd64", "linux/amd64/v2", "linux/amd64/v4"}), "linux/amd64/v3"), "linux/amd64/v2");
}

TEST(PlatformMatch, EntriesWithoutPlatformAndAttestationsAreSkipped) {
  Index idx = index_of({"linux/amd64"});
  Descriptor att{media_type::kOciManifest, Digest::of("att"), 10, {}, {}, Platform{"unknown", "unknown", "", {}, ""}};
  att.annotations["vnd.docker.reference.type"] = "attestation-manifest";
  Descriptor bare{media_type::kOciManifest, Digest::of("bare"), 10, {}, {}, std::nullopt};
  idx.manifests.insert(idx.manifests.begin(), {att, bare});
  EXPECT_EQ(match_manifest(idx, pl("linux/amd64"))->digest, Digest::of("0"));
  EXPECT_EQ(error_of([&] { choose_manifest(idx, pl("linux/arm64"), "app:1"); }),
            "image app:1 has no linux/arm64 manifest (has: linux/amd64)");
}

TEST(PlatformMatch, NoMatchIsAnErrorListingThePlatforms) {
  Index idx = index_of({"linux/amd64", "linux/arm/v7", "linux/amd64"});
  try {
    choose_manifest(idx, pl("linux/arm64"), "busybox:latest");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.message(), "image busybox:latest has no linux/arm64 manifest (has: linux/amd64, linux/arm/v7)");
  }
  EXPECT_EQ(error_of([] { choose_manifest(Index{}, pl("linux/amd64"), "empty:1"); }),
            "image empty:1 has no linux/amd64 manifest (has: no platforms)");
}

TEST(PlatformMatch, PlainManifestConfigMustMatch) {
  ImageConfig cfg;
  cfg.os = "linux";
  cfg.architecture = "arm64";
  EXPECT_EQ(check_config_platform(cfg, pl("linux/arm64/v8"), "app:1"), std::nullopt);
  EXPECT_EQ(error_of([&] { check_config_platform(cfg, pl("linux/amd64"), "app:1"); }),
            "image app:1 has no linux/amd64 manifest (has: linux/arm64)");
  ImageConfig bare;
  auto warning = check_config_platform(bare, pl("linux/amd64"), "app:1");
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("app:1: its config names no os/architecture"), std::string::npos) << *warning;
}

TEST(PlatformMatch, ParsePlatformText) {
  EXPECT_EQ(platform_string(pl("linux/arm/v7")), "linux/arm/v7");
  EXPECT_THROW(pl("linux"), Error);
  EXPECT_THROW(pl("linux//v7"), Error);
  EXPECT_THROW(pl("linux/arm/v7/x"), Error);
}

TEST(PlatformMatch, HostPlatformIsNormalized) {
  Platform p = host_platform();
  EXPECT_EQ(p.os, "linux");
  EXPECT_EQ(normalize_platform(p).architecture, p.architecture);
}

// select_manifest() on a store: an image per platform, an index over them.
class StoreSelect : public ::testing::Test {
 protected:
  Descriptor image(const std::string& arch, const std::string& variant = "") {
    ImageConfig cfg;
    cfg.os = arch.empty() ? "" : "linux";
    cfg.architecture = arch;
    cfg.variant = variant;
    cfg.config.cmd = {arch};
    Manifest m;
    m.config = store_.put_config(cfg);
    return store_.put_manifest(m);
  }
  Descriptor with_platform(Descriptor d, const std::string& p) {
    d.platform = pl(p);
    return d;
  }

  TempDir dir_{"ocbuild-lookup-"};
  ContentStore store_{dir_.path() + "/store"};
};

TEST_F(StoreSelect, IndexPicksTheEntryOrFailsWithoutFallback) {
  Descriptor amd = image("amd64"), arm = image("arm", "v7");
  Index idx;
  idx.manifests = {with_platform(amd, "linux/amd64"), with_platform(arm, "linux/arm/v7")};
  Descriptor index = store_.put_index(idx);
  store_.tag("multi:1", index);
  EXPECT_EQ(select_manifest(store_, index, pl("linux/arm")).digest, arm.digest);
  EXPECT_EQ(select_manifest(store_, index, pl("linux/amd64")).digest, amd.digest);
  EXPECT_EQ(error_of([&] { select_manifest(store_, index, pl("linux/arm64")); }),
            "image multi:1 has no linux/arm64 manifest (has: linux/amd64, linux/arm/v7)");
  store_.untag("multi:1");
  EXPECT_NE(error_of([&] { select_manifest(store_, index, pl("linux/s390x")); }).find("image " + index.digest.str()),
            std::string::npos);
}

TEST_F(StoreSelect, PlainManifestIsCheckedOnlyWhenAPlatformIsAsked) {
  Descriptor arm = image("arm64");
  store_.tag("arm:1", arm);
  EXPECT_EQ(select_manifest(store_, arm).digest, arm.digest);
  EXPECT_EQ(select_manifest(store_, arm, pl("linux/arm64")).digest, arm.digest);
  EXPECT_EQ(error_of([&] { select_manifest(store_, arm, pl("linux/amd64")); }),
            "image arm:1 has no linux/amd64 manifest (has: linux/arm64)");
  // A tag's recorded platform is trusted like an index entry's.
  EXPECT_THROW(select_manifest(store_, with_platform(arm, "linux/s390x"), pl("linux/arm64")), Error);
}

TEST_F(StoreSelect, ConfigWithoutPlatformIsAcceptedWithAWarning) {
  Descriptor bare = image("");
  std::vector<std::string> warnings;
  auto sink = [&](const std::string& w) { warnings.push_back(w); };
  EXPECT_EQ(select_manifest(store_, bare, pl("linux/amd64"), sink).digest, bare.digest);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("config names no os/architecture"), std::string::npos) << warnings[0];
}

TEST_F(StoreSelect, NestedIndexIsFollowed) {
  Descriptor amd = image("amd64");
  Index inner;
  inner.manifests = {with_platform(amd, "linux/amd64")};
  Descriptor inner_d = with_platform(store_.put_index(inner), "linux/amd64");
  Index outer;
  outer.manifests = {inner_d};
  EXPECT_EQ(select_manifest(store_, store_.put_index(outer), pl("linux/amd64")).digest, amd.digest);
}

}  // namespace
}  // namespace ocbuild
