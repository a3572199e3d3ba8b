#include "ocbuild/export/image_diff.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_writer.h"
#include "tree_builder.h"

using namespace ocbuild;
using namespace ocbuild::exporter;
using ocbuild::testing::TreeBuilder;

namespace {

constexpr int64_t kEpoch = 1700000000;

// A one-layer image of `dir`, with a config and manifest that name it.
ImageToCompare image_of(const std::string& name, const std::string& dir, const std::string& blob,
                        const std::string& env = "A=1", Compression compression = Compression::Gzip) {
  LayerWriteOptions o;
  o.source_date_epoch = kEpoch;
  o.compression.compression = compression;
  Layer l = write_layer_from_dir(dir, o, blob);
  ImageToCompare img;
  img.name = name;
  img.config_json = R"({"architecture":"amd64","os":"linux","config":{"Env":[")" + env +
                    R"("]},"rootfs":{"type":"layers","diff_ids":[")" + l.diff_id.str() + R"("]}})";
  img.manifest_json = R"({"schemaVersion":2,"config":{"digest":")" + Digest::of(img.config_json).str() +
                      R"("},"layers":[{"digest":")" + l.blob.digest.str() + R"(","size":)" +
                      std::to_string(l.blob.size) + "}]}";
  img.manifest_digest = Digest::of(img.manifest_json);
  img.layer_paths = {blob};
  return img;
}

void fill(TreeBuilder& t) {
  t.file("etc/conf", "key=value\n");
  t.file("usr/bin/tool", std::string(5000, 't'), 0755);
  t.symlink("usr/bin/alias", "tool");
  t.set_all_mtimes(kEpoch);
}

size_t count_containing(const std::vector<std::string>& lines, const std::string& needle) {
  return std::count_if(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

TEST(ImageDiff, SameManifestDigestIsIdentical) {
  TempDir a, out;
  TreeBuilder t(a.path());
  fill(t);
  auto ia = image_of("a", a.path(), out.path() + "/a");
  auto ib = image_of("b", a.path(), out.path() + "/b");
  ImageDiff d = diff_images(ia, ib);
  EXPECT_TRUE(d.identical);
  EXPECT_TRUE(d.differences.empty());
}

TEST(ImageDiff, OneChangedByteNamesExactlyThatFile) {
  TempDir a, b, out;
  TreeBuilder ta(a.path()), tb(b.path());
  fill(ta);
  fill(tb);
  tb.file("etc/conf", "key=valuE\n");
  tb.set_all_mtimes(kEpoch);
  ImageDiff d = diff_images(image_of("a", a.path(), out.path() + "/a"), image_of("b", b.path(), out.path() + "/b"));
  ASSERT_FALSE(d.identical);
  SCOPED_TRACE(::testing::PrintToString(d.differences));
  EXPECT_EQ(count_containing(d.differences, "file "), 1u);
  EXPECT_EQ(count_containing(d.differences, "layer 1, file etc/conf: content differs (sha256:"), 1u);
  EXPECT_EQ(count_containing(d.differences, "manifest digest differs"), 1u);
  EXPECT_EQ(count_containing(d.differences, "config rootfs.diff_ids[0] differs"), 1u);
  EXPECT_EQ(count_containing(d.differences, "manifest layers[0].digest differs"), 1u);
  EXPECT_EQ(count_containing(d.differences, "usr/"), 0u);
  EXPECT_EQ(d.total, d.differences.size());
}

// What `docker save` does to a gzip image: the same tar, stored uncompressed.
TEST(ImageDiff, SameTarCompressedDifferentlyIsSaidSo) {
  TempDir a, out;
  TreeBuilder t(a.path());
  fill(t);
  ImageDiff d = diff_images(image_of("a", a.path(), out.path() + "/a"),
                            image_of("b", a.path(), out.path() + "/b", "A=1", Compression::None));
  ASSERT_FALSE(d.identical);
  SCOPED_TRACE(::testing::PrintToString(d.differences));
  EXPECT_EQ(count_containing(d.differences, "layer 1: same tar (diff_id sha256:"), 1u);
  EXPECT_EQ(count_containing(d.differences, "compressed differently (gzip in a, uncompressed in b)"), 1u);
  EXPECT_EQ(count_containing(d.differences, "file "), 0u);
  EXPECT_EQ(count_containing(d.differences, "config "), 0u);
  EXPECT_EQ(count_containing(d.differences, "manifest layers[0].digest differs"), 1u);
}

TEST(ImageDiff, ConfigFieldsAndMetadataByName) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  TempDir a, b, out;
  TreeBuilder ta(a.path()), tb(b.path());
  fill(ta);
  fill(tb);
  tb.owner("usr/bin/tool", 7, 8);
  ASSERT_EQ(::chmod(tb.abs("usr/bin/tool").c_str(), 0700), 0);
  tb.file("extra", "new");
  tb.set_all_mtimes(kEpoch);
  ImageDiff d = diff_images(image_of("a", a.path(), out.path() + "/a"),
                            image_of("b", b.path(), out.path() + "/b", "A=2"));
  SCOPED_TRACE(::testing::PrintToString(d.differences));
  EXPECT_EQ(count_containing(d.differences, "config config.Env[0] differs (\"A=1\" in a, \"A=2\" in b)"), 1u);
  EXPECT_EQ(count_containing(d.differences, "file usr/bin/tool: owner differs (0:0 in a, 7:8 in b)"), 1u);
  EXPECT_EQ(count_containing(d.differences, "file usr/bin/tool: mode differs (0755 in a, 0700 in b)"), 1u);
  EXPECT_EQ(count_containing(d.differences, "layer 1: extra only in b"), 1u);
}

TEST(ImageDiff, KeepsOnlyTheFirstN) {
  TempDir a, b, out;
  TreeBuilder ta(a.path()), tb(b.path());
  for (int i = 0; i < 20; ++i) tb.file("f" + std::to_string(i), "x");
  ImageDiff d = diff_images(image_of("a", a.path(), out.path() + "/a"), image_of("b", b.path(), out.path() + "/b"),
                            DiffOptions{5});
  EXPECT_EQ(d.differences.size(), 5u);
  EXPECT_GT(d.total, 20u);
}

TEST(ImageDiff, BadJsonIsAnError) {
  TempDir a, out;
  auto ia = image_of("a", a.path(), out.path() + "/a");
  auto ib = ia;
  ib.manifest_digest = Digest::of("other");
  ib.config_json = "{not json";
  EXPECT_THROW(diff_images(ia, ib), Error);
}

}  // namespace
