#include <gtest/gtest.h>

#include <filesystem>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/image_load.h"
#include "ocbuild/export/image_save.h"
#include "support/oci_validate.h"
#include "support/test_env.h"
#include "support/test_image.h"

namespace ocbuild::exporter {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

class SaveLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    img_ = testing::make_test_image(store_, "app:1.0");
    req_ = SaveRequest{img_.manifest, "app:1.0"};
  }
  std::string path(const std::string& name) const { return tmp_.path() + "/" + name; }
  TempDir tmp_;
  ContentStore store_{tmp_.path() + "/store"};
  testing::TestImage img_;
  SaveRequest req_;
};

TEST_F(SaveLoad, FormatNames) {
  EXPECT_EQ(parse_save_format("oci"), SaveFormat::OciArchive);
  EXPECT_EQ(parse_save_format("oci-dir"), SaveFormat::OciDir);
  EXPECT_EQ(parse_save_format("docker"), SaveFormat::DockerArchive);
  EXPECT_THROW(parse_save_format("zip"), Error);
}

TEST_F(SaveLoad, ArchivesAreDeterministic) {
  for (auto f : {SaveFormat::OciArchive, SaveFormat::DockerArchive}) {
    save_image(store_, req_, f, path("a.tar"));
    save_image(store_, req_, f, path("b.tar"));
    EXPECT_EQ(read_file(path("a.tar")), read_file(path("b.tar")));
  }
  auto r = run_command("tar --numeric-owner -tvf " + path("a.tar"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("0/0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1970-01-01"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(img_.diff_id.hex() + "/layer.tar"), std::string::npos) << r.output;
}

TEST_F(SaveLoad, OciDirIsAValidLayoutSkopeoReads) {
  save_image(store_, req_, SaveFormat::OciDir, path("layout"));
  EXPECT_TRUE(fs::exists(path("layout/blobs/sha256/" + img_.layer.hex())));
  if (testing::oci_schema_dir()) EXPECT_EQ(testing::validate_oci_layout(path("layout")), "");
  EXPECT_THROW(save_image(store_, req_, SaveFormat::OciDir, path("layout")), Error);  // not empty
  if (!testing::have_program("skopeo")) GTEST_SKIP() << "skopeo missing";
  auto r = run_command("skopeo inspect oci:" + path("layout") + ":app:1.0");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(img_.manifest.digest.str()), std::string::npos);
}

TEST_F(SaveLoad, OciArchiveRoundTripsAndSkopeoCopies) {
  save_image(store_, req_, SaveFormat::OciArchive, path("img.tar"));
  EXPECT_EQ(detect_archive_format(path("img.tar")), ArchiveFormat::OciArchive);
  ContentStore other(path("other"));
  auto loaded = load_images(other, path("img.tar"));
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].ref_name, "app:1.0");
  EXPECT_EQ(other.resolve("app:1.0")->digest, img_.manifest.digest);
  EXPECT_TRUE(other.has(img_.layer));
  EXPECT_EQ(fs::directory_iterator(path("other/ingest")), fs::directory_iterator());  // temp cleaned
  if (!testing::have_program("skopeo")) GTEST_SKIP() << "skopeo missing";
  auto r = run_command("skopeo copy oci-archive:" + path("img.tar") + " dir:" + path("copy"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(path("copy/" + img_.layer.hex())));
}

TEST_F(SaveLoad, DockerArchiveSkopeoReadsAndLoadVerifies) {
  save_image(store_, req_, SaveFormat::DockerArchive, path("d.tar"));
  EXPECT_EQ(detect_archive_format(path("d.tar")), ArchiveFormat::DockerArchive);
  ContentStore other(path("other"));
  auto loaded = load_images(other, path("d.tar"));
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].ref_name, "app:1.0");
  StoredImage back = read_image(other, *other.resolve("app:1.0"));
  EXPECT_EQ(back.manifest.config.digest, img_.config);
  EXPECT_EQ(back.manifest.layers.at(0).digest, img_.diff_id);  // stored uncompressed
  EXPECT_EQ(back.manifest.layers.at(0).media_type, media_type::kOciLayer);
  if (!testing::have_program("skopeo")) GTEST_SKIP() << "skopeo missing";
  auto r = run_command("skopeo copy docker-archive:" + path("d.tar") + " dir:" + path("copy"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(path("copy/" + img_.config.hex())));
  r = run_command("skopeo inspect docker-archive:" + path("d.tar"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("app:1.0"), std::string::npos) << r.output;
}

TEST_F(SaveLoad, LoadsWhatSkopeoWrites) {
  if (!testing::have_program("skopeo")) GTEST_SKIP() << "skopeo missing";
  std::string src = "oci:" + store_.root() + ":app:1.0";
  auto r = run_command("skopeo copy " + src + " docker-archive:" + path("sk-docker.tar") + ":web:2 && skopeo copy " +
                       src + " oci-archive:" + path("sk-oci.tar") + ":web:3");
  ASSERT_EQ(r.status, 0) << r.output;
  ContentStore other(path("other"));
  EXPECT_EQ(load_images(other, path("sk-docker.tar")).at(0).ref_name, "web:2");
  EXPECT_EQ(load_images(other, path("sk-oci.tar")).at(0).ref_name, "web:3");
  EXPECT_EQ(read_image(other, *other.resolve("web:2")).config.config.labels.at("test.ref"), "app:1.0");
  EXPECT_EQ(read_image(other, *other.resolve("web:3")).manifest.layers.at(0).digest, img_.layer);
}

TEST_F(SaveLoad, MultiPlatformIndexRoundTrips) {
  auto arm = testing::make_test_image(store_, "app:arm");
  Descriptor amd = img_.manifest, a = arm.manifest;
  amd.platform = Platform{"amd64", "linux", "", {}, ""};
  a.platform = Platform{"arm64", "linux", "", {}, "v8"};
  Index idx;
  idx.manifests = {a, amd};
  Descriptor index = store_.put_index(idx);
  store_.tag("multi:1", index);
  save_image(store_, {index, "multi:1"}, SaveFormat::OciArchive, path("m.tar"));
  ContentStore other(path("other"));
  EXPECT_EQ(load_images(other, path("m.tar")).at(0).target.digest, index.digest);
  EXPECT_TRUE(other.has(arm.layer));
  EXPECT_TRUE(other.has(img_.layer));
  Descriptor picked = select_manifest(other, *other.resolve("multi:1"), Platform{"arm64", "linux", "", {}, "v8"});
  EXPECT_EQ(picked.digest, arm.manifest.digest);
  save_image(store_, {index, "multi:1"}, SaveFormat::DockerArchive, path("md.tar"));  // one platform
  auto loaded = load_images(other, path("md.tar"));
  EXPECT_EQ(read_image(other, loaded.at(0).target).manifest.config.digest,
            read_image(store_, select_manifest(store_, index)).manifest.config.digest);
}

TEST_F(SaveLoad, CorruptOciBlobIsRefusedAndNothingTagged) {
  save_image(store_, req_, SaveFormat::OciDir, path("layout"));
  std::string layer = path("layout/blobs/sha256/" + img_.layer.hex());
  fs::permissions(layer, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = read_file(layer);
  bytes[bytes.size() / 2] ^= 0x55;
  write_file_atomic(layer, bytes);
  ContentStore other(path("other"));
  try {
    load_images(other, path("layout"));
    FAIL() << "corrupt layer accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_NE(std::string(e.what()).find(img_.layer.str()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(other.list_tags().empty());
  EXPECT_FALSE(other.has(img_.layer));
  // The same corruption inside an OCI archive.
  auto r = run_command("tar -C " + path("layout") + " -cf " + path("bad.tar") + " .");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THROW(load_images(other, path("bad.tar")), Error);
  EXPECT_TRUE(other.list_tags().empty());
}

TEST_F(SaveLoad, CorruptDockerLayerIsRefused) {
  save_image(store_, req_, SaveFormat::DockerArchive, path("d.tar"));
  fs::create_directory(path("x"));
  std::string layer = path("x/" + img_.diff_id.hex() + "/layer.tar");
  auto r = run_command("tar -C " + path("x") + " -xf " + path("d.tar") + " && printf 'junk' | dd of=" + layer +
                       " bs=1 seek=600 conv=notrunc 2>/dev/null && tar -C " + path("x") + " -cf " + path("bad.tar") +
                       " .");
  ASSERT_EQ(r.status, 0) << r.output;
  ContentStore other(path("other"));
  EXPECT_THROW(load_images(other, path("bad.tar")), Error);
  EXPECT_TRUE(other.list_tags().empty());
}

TEST_F(SaveLoad, UnsafeAndUnknownArchivesAreRefused) {
  write_file_atomic(path("junk.tar"), "not a tar at all");
  ContentStore other(path("other"));
  EXPECT_THROW(load_images(other, path("junk.tar")), Error);
  EXPECT_THROW(load_images(other, path("missing.tar")), Error);
  fs::create_directory(path("evil"));
  write_file_atomic(path("evil/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  write_file_atomic(path("evil/index.json"), R"({"schemaVersion":2,"manifests":[]})");
  auto r = run_command("cd " + path("evil") + " && tar -cf " + path("evil.tar") + " oci-layout index.json -P ../evil/index.json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THROW(load_images(other, path("evil.tar")), Error);
}

}  // namespace
}  // namespace ocbuild::exporter
