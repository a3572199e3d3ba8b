// Choosing a manifest for a platform from an index.
#include "ocbuild/registry/platform_select.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {
namespace {

std::string index_of(std::initializer_list<std::string> platforms) {
  nlohmann::json idx = {{"schemaVersion", 2}, {"manifests", nlohmann::json::array()}};
  int i = 0;
  for (const auto& p : platforms) {
    Platform pl = parse_platform(p);
    nlohmann::json plat = {{"os", pl.os}, {"architecture", pl.architecture}};
    if (!pl.variant.empty()) plat["variant"] = pl.variant;
    idx["manifests"].push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                {"digest", Digest::of(std::to_string(i++)).str()},
                                {"size", 100},
                                {"platform", plat}});
  }
  return idx.dump();
}

std::optional<std::string> pick(const std::string& idx, const std::string& want) {
  auto d = select_manifest(idx, parse_platform(want));
  if (!d) return std::nullopt;
  return platform_string(*d->platform);
}

TEST(PlatformSelect, ExactArchitecture) {
  std::string idx = index_of({"linux/amd64", "linux/arm64", "linux/arm/v7"});
  EXPECT_EQ(pick(idx, "linux/amd64"), "linux/amd64");
  EXPECT_EQ(pick(idx, "linux/arm64"), "linux/arm64");
  EXPECT_EQ(pick(idx, "linux/s390x"), std::nullopt);
  EXPECT_EQ(pick(idx, "windows/amd64"), std::nullopt);
}

TEST(PlatformSelect, Arm64DefaultVariantIsV8) {
  EXPECT_EQ(pick(index_of({"linux/amd64", "linux/arm64/v8"}), "linux/arm64"), "linux/arm64/v8");
  EXPECT_EQ(pick(index_of({"linux/arm64"}), "linux/arm64/v8"), "linux/arm64");
}

TEST(PlatformSelect, ArmPrefersItsVariantThenOlderOnes) {
  std::string idx = index_of({"linux/arm/v5", "linux/arm/v6", "linux/arm/v7"});
  EXPECT_EQ(pick(idx, "linux/arm/v7"), "linux/arm/v7");
  EXPECT_EQ(pick(idx, "linux/arm/v6"), "linux/arm/v6");
  EXPECT_EQ(pick(index_of({"linux/arm/v5", "linux/arm/v6"}), "linux/arm/v7"), "linux/arm/v6");
  EXPECT_EQ(pick(index_of({"linux/arm/v7"}), "linux/arm/v6"), std::nullopt);
  EXPECT_EQ(pick(index_of({"linux/arm"}), "linux/arm/v7"), "linux/arm");
}

TEST(PlatformSelect, HostPlatformIsLinux) {
  Platform p = host_platform();
  EXPECT_EQ(p.os, "linux");
  EXPECT_FALSE(p.architecture.empty());
  EXPECT_NE(p.architecture, "x86_64");
  EXPECT_NE(p.architecture, "aarch64");
}

TEST(PlatformSelect, NotAnIndex) {
  EXPECT_THROW(select_manifest("{\"layers\":[]}", host_platform()), Error);
  EXPECT_THROW(select_manifest("not json", host_platform()), Error);
  EXPECT_THROW(parse_platform("linux"), Error);
}

}  // namespace
}  // namespace ocbuild::registry
