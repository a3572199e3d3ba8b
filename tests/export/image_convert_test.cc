// convert_image: layers recompressed (zstd, none, gzip at a level) with the
// same diff_ids, Docker media types on request, and no new manifest when
// nothing changes.
#include "ocbuild/export/image_convert.h"

#include <gtest/gtest.h>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_writer.h"

namespace ocbuild::exporter {
namespace {

class ImageConvert : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = tmp_.path() + "/tree";
    make_dirs(dir + "/etc");
    std::string big;
    for (int i = 0; i < 2000; ++i) big += "line " + std::to_string(i) + " of a compressible file\n";
    write_file_atomic(dir + "/etc/big.txt", big);
    LayerWriteOptions o;
    o.source_date_epoch = 0;
    Layer layer = write_layer_from_dir(dir, o, tmp_.path() + "/layer");
    store_.ingest_file(tmp_.path() + "/layer", layer.blob.digest, layer.blob.size);
    ImageConfig config;
    config.architecture = "amd64";
    config.os = "linux";
    config.rootfs.diff_ids = {layer.diff_id};
    diff_id_ = layer.diff_id;
    Manifest m;
    m.config = store_.put_config(config);
    m.layers = {layer.blob};
    m.annotations["org.example"] = "x";
    manifest_ = store_.put_manifest(m);
  }

  StoredImage read(const Descriptor& d) { return read_image(store_, d); }

  TempDir tmp_{"image-convert-"};
  ContentStore store_{tmp_.path() + "/store"};
  Descriptor manifest_;
  Digest diff_id_;
};

TEST_F(ImageConvert, SameOptionsKeepTheManifest) {
  ConvertOptions o;  // each layer as it is, OCI: what the image has
  EXPECT_EQ(convert_image(store_, manifest_, o), manifest_);
  o.compression = CompressionOptions{};  // gzip, as the layer is
  EXPECT_EQ(convert_image(store_, manifest_, o), manifest_);
}

TEST_F(ImageConvert, ZstdAndUncompressedKeepTheDiffIds) {
  for (Compression c : {Compression::Zstd, Compression::None}) {
    ConvertOptions o;
    o.compression = CompressionOptions{c, 0, 0};
    Descriptor d = convert_image(store_, manifest_, o);
    ASSERT_NE(d.digest, manifest_.digest);
    StoredImage img = read(d);
    ASSERT_EQ(img.manifest.layers.size(), 1u);
    EXPECT_EQ(img.manifest.layers[0].media_type, layer_media_type(c));
    EXPECT_EQ(img.config.rootfs.diff_ids, std::vector<Digest>{diff_id_});
    EXPECT_EQ(img.config_bytes, read(manifest_).config_bytes) << "the config is not touched";
    EXPECT_TRUE(store_.has(img.manifest.layers[0].digest));
    if (c == Compression::None) {
      EXPECT_EQ(img.manifest.layers[0].digest, diff_id_);
    }
    EXPECT_EQ(convert_image(store_, manifest_, o), d) << "deterministic";
  }
}

TEST_F(ImageConvert, ForcedLevelChangesTheBlob) {
  ConvertOptions o;
  o.compression = CompressionOptions{Compression::Gzip, 1, 0};
  EXPECT_EQ(convert_image(store_, manifest_, o), manifest_) << "same compression, not forced";
  o.force_compression = true;
  Descriptor d = convert_image(store_, manifest_, o);
  StoredImage img = read(d);
  EXPECT_NE(img.manifest.layers[0].digest, read(manifest_).manifest.layers[0].digest);
  EXPECT_EQ(img.manifest.layers[0].media_type, media_type::kOciLayerGzip);
}

TEST_F(ImageConvert, DockerMediaTypes) {
  ConvertOptions o;
  o.oci_media_types = false;
  Descriptor d = convert_image(store_, manifest_, o);
  EXPECT_EQ(d.media_type, media_type::kDockerManifest);
  StoredImage img = read(d);
  EXPECT_EQ(img.manifest.media_type, media_type::kDockerManifest);
  EXPECT_EQ(img.manifest.config.media_type, media_type::kDockerConfig);
  EXPECT_EQ(img.manifest.layers[0].media_type, media_type::kDockerLayerGzip);
  EXPECT_EQ(img.manifest.layers[0].digest, read(manifest_).manifest.layers[0].digest) << "blob reused";
  EXPECT_TRUE(img.manifest.annotations.empty());
  o.compression = CompressionOptions{Compression::None, 0, 0};
  EXPECT_EQ(read(convert_image(store_, manifest_, o)).manifest.layers[0].media_type, media_type::kDockerLayer);
}

}  // namespace
}  // namespace ocbuild::exporter
