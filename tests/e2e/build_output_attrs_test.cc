// `ocbuild build -o` exporter attributes with the real binary: name= (tags
// like -t; names recorded in oci/docker archives instead of -t), per-output
// compression= and compression-level=, oci-mediatypes=false (Docker media
// types), zstd forcing OCI media types, and clear errors for bad attributes.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "e2e/build_fixture.h"
#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::e2e {
namespace {

class OutputAttrs : public BuildSuite {
 protected:
  static std::string context() {
    std::string dir = scratch("attrs-ctx");
    if (!std::filesystem::exists(dir)) {
      make_dirs(dir);
      write_file_atomic(dir + "/Dockerfile", "FROM busybox:latest\nCOPY data.txt /srv/data.txt\n");
      std::string data;
      for (int i = 0; i < 500; ++i) data += "compressible line " + std::to_string(i) + "\n";
      write_file_atomic(dir + "/data.txt", data);
    }
    return dir;
  }
  // A JSON file inside a tar archive.
  static nlohmann::json tar_json(const std::string& tar, const std::string& member) {
    auto r = testing::run_command("tar -xOf " + tar + " " + member);
    EXPECT_EQ(r.status, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
  }
  // The image manifest of an OCI archive (index.json -> manifest blob).
  static nlohmann::json oci_manifest(const std::string& tar) {
    auto index = tar_json(tar, "index.json");
    std::string digest = index["manifests"][0]["digest"];
    return tar_json(tar, "blobs/sha256/" + digest.substr(7));
  }
  static std::vector<std::string> layer_types(const Manifest& m) {
    std::vector<std::string> out;
    for (const auto& l : m.layers) out.push_back(l.media_type);
    return out;
  }
};

TEST_F(OutputAttrs, ImageNamesTagLikeDashT) {
  auto r = ocb("build -q -o type=image,name=attrs/a:1,attrs/b:2 " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  auto a = image("attrs/a:1"), b = image("attrs/b:2");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->manifest_descriptor.digest, b->manifest_descriptor.digest);
  EXPECT_EQ(r.output.substr(0, 71), a->manifest_descriptor.digest.str());
  auto quoted = ocb("build -q -t attrs/not-used:1 -o 'type=image,\"name=attrs/c:1,attrs/d:1\"' " + context());
  ASSERT_EQ(quoted.status, 0) << quoted.output;
  EXPECT_TRUE(image("attrs/c:1"));
  EXPECT_TRUE(image("attrs/d:1"));
  EXPECT_FALSE(image("attrs/not-used:1")) << "name= replaces the -t names for that output";
}

TEST_F(OutputAttrs, ArchivesRecordTheirNames) {
  std::string docker = scratch("attrs.docker.tar"), oci = scratch("attrs.oci.tar");
  auto r = ocb("build -q -t attrs/t:1 -o type=docker,dest=" + docker + ",name=attrs/x:1,attrs/y:2 -o type=oci,dest=" +
               oci + ",name=attrs/o:3 " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  auto tags = tar_json(docker, "manifest.json")[0]["RepoTags"];
  ASSERT_EQ(tags.size(), 2u) << tags.dump();
  EXPECT_NE(tags[0].get<std::string>().find("attrs/x:1"), std::string::npos) << tags.dump();
  EXPECT_NE(tags[1].get<std::string>().find("attrs/y:2"), std::string::npos) << tags.dump();
  std::string index = tar_json(oci, "index.json").dump();
  EXPECT_NE(index.find("attrs/o:3"), std::string::npos) << index;
  EXPECT_EQ(index.find("attrs/t:1"), std::string::npos) << index;
  EXPECT_FALSE(image("attrs/t:1")) << "no type=image output";
}

TEST_F(OutputAttrs, CompressionPerOutput) {
  std::string zstd = scratch("attrs-zstd.oci.tar"), plain = scratch("attrs-plain.oci.tar");
  auto r = ocb("build -q --compression gzip -o type=oci,dest=" + zstd + ",compression=zstd -o type=oci,dest=" + plain +
               ",compression=uncompressed -o type=image,name=attrs/gz:1 " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  for (const auto& l : oci_manifest(zstd)["layers"]) EXPECT_EQ(l["mediaType"], media_type::kOciLayerZstd);
  for (const auto& l : oci_manifest(plain)["layers"]) EXPECT_EQ(l["mediaType"], media_type::kOciLayer);
  auto gz = image("attrs/gz:1");
  ASSERT_TRUE(gz);
  for (const auto& t : layer_types(gz->manifest)) EXPECT_EQ(t, media_type::kOciLayerGzip);
  // Same image, other blobs: the config (diff_ids) is the same everywhere.
  EXPECT_EQ(oci_manifest(zstd)["config"]["digest"], gz->manifest.config.digest.str());
  EXPECT_EQ(oci_manifest(plain)["config"]["digest"], gz->manifest.config.digest.str());
  auto last = oci_manifest(plain)["layers"].back();
  EXPECT_EQ(last["digest"], gz->config.rootfs.diff_ids.back().str()) << "an uncompressed blob is its diff_id";
  if (testing::have_program("skopeo")) {
    auto inspect = testing::run_command("skopeo inspect --raw oci-archive:" + zstd + " 2>&1");
    EXPECT_EQ(inspect.status, 0) << inspect.output;
  }
}

TEST_F(OutputAttrs, CompressionLevelRecompresses) {
  auto fast = ocb("build -q -o type=image,name=attrs/l1:1,compression=gzip,compression-level=1 " + context());
  auto best = ocb("build -q -o type=image,name=attrs/l9:1,compression-level=9 " + context());
  ASSERT_EQ(fast.status, 0) << fast.output;
  ASSERT_EQ(best.status, 0) << best.output;
  auto one = image("attrs/l1:1"), nine = image("attrs/l9:1");
  ASSERT_TRUE(one && nine);
  EXPECT_EQ(one->config.rootfs.diff_ids, nine->config.rootfs.diff_ids);
  EXPECT_NE(one->manifest.layers.back().digest, nine->manifest.layers.back().digest);
  EXPECT_GT(one->manifest.layers.back().size, nine->manifest.layers.back().size);
}

TEST_F(OutputAttrs, DockerMediaTypesWhenOciMediatypesIsFalse) {
  std::string oci = scratch("attrs-docker-types.oci.tar");
  auto r = ocb("build -q -o type=image,name=attrs/dm:1,oci-mediatypes=false -o type=oci,dest=" + oci +
               ",oci-mediatypes=false,compression=uncompressed " + context());
  ASSERT_EQ(r.status, 0) << r.output;
  auto img = image("attrs/dm:1");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->manifest.media_type, media_type::kDockerManifest);
  EXPECT_EQ(img->manifest.config.media_type, media_type::kDockerConfig);
  for (const auto& t : layer_types(img->manifest)) EXPECT_EQ(t, media_type::kDockerLayerGzip);
  auto m = oci_manifest(oci);
  EXPECT_EQ(m["mediaType"], media_type::kDockerManifest);
  for (const auto& l : m["layers"]) EXPECT_EQ(l["mediaType"], media_type::kDockerLayer);

  auto zstd = ocb("build -o type=image,name=attrs/dz:1,oci-mediatypes=false,compression=zstd " + context());
  ASSERT_EQ(zstd.status, 0) << zstd.output;
  EXPECT_NE(zstd.output.find("zstd needs OCI media types"), std::string::npos) << zstd.output;
  auto dz = image("attrs/dz:1");
  ASSERT_TRUE(dz);
  EXPECT_EQ(dz->manifest.media_type, media_type::kOciManifest);
  for (const auto& t : layer_types(dz->manifest)) EXPECT_EQ(t, media_type::kOciLayerZstd);
}

TEST_F(OutputAttrs, BadAttributesAreClearErrors) {
  struct Case {
    std::string output, message;
  };
  for (const Case& c : std::vector<Case>{
           {"type=image,color=red", "unknown attribute \"color\""},
           {"type=local,dest=x,name=a:1", "unknown attribute \"name\""},
           {"type=tar,dest=x,compression=zstd", "unknown attribute \"compression\""},
           {"type=oci,dest=x,push=true", "unknown attribute \"push\""},
           {"type=image,compression=lz4", "compression=lz4"},
           {"type=image,compression-level=high", "compression-level=high"},
           {"type=image,oci-mediatypes=maybe", "oci-mediatypes=maybe"},
           {"type=image,push=true", "pushing needs a name"},
           {"type=image,name=Bad/Name:1", "Bad/Name"},
           {"type=image,\"name=a", "unterminated quote"},
       }) {
    auto r = ocb("build -q -o '" + c.output + "' " + context());
    EXPECT_NE(r.status, 0) << c.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.output << ": " << r.output;
    EXPECT_EQ(r.output.find("#1"), std::string::npos) << "fails before building: " << r.output;
  }
}

}  // namespace
}  // namespace ocbuild::e2e
