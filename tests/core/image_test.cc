#include "ocbuild/core/image.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image_ref.h"

namespace ocbuild {
namespace {

const Digest kD1 = Digest::of("layer one");

TEST(ImageConfigJson, MinimalIsCanonicalAndOmitsEmptyFields) {
  ImageConfig c;
  c.architecture = "amd64";
  c.os = "linux";
  c.rootfs.diff_ids = {kD1};
  EXPECT_EQ(to_json_bytes(c), R"({"architecture":"amd64","config":{},"os":"linux","rootfs":{"diff_ids":[")" +
                                  kD1.str() + R"("],"type":"layers"}})");
}

TEST(ImageConfigJson, FullRoundTripIsStable) {
  ImageConfig c;
  c.created = "2024-01-01T00:00:00Z";
  c.author = "me";
  c.architecture = "arm64";
  c.variant = "v8";
  c.os = "linux";
  c.config.user = "1000:1000";
  c.config.exposed_ports = {"80/tcp", "53/udp"};
  c.config.env = {"A=1", "B=two words"};
  c.config.entrypoint = {"/bin/sh", "-c"};
  c.config.cmd = {"echo hi"};
  c.config.volumes = {"/data"};
  c.config.working_dir = "/app";
  c.config.labels = {{"b", "2"}, {"a", "1"}};
  c.config.stop_signal = "SIGTERM";
  c.config.healthcheck = Healthcheck{{"CMD-SHELL", "true"}, 30000000000, 0, 0, 0, 3};
  c.config.shell = {"/bin/bash", "-c"};
  c.config.on_build = {"RUN true"};
  c.config.args_escaped = true;
  c.rootfs.diff_ids = {kD1};
  c.history = {{"2024-01-01T00:00:00Z", "RUN true", "", "", false}, {"", "ENV A=1", "", "c", true}};
  std::string bytes = to_json_bytes(c);
  ImageConfig back = parse_image_config(bytes);
  EXPECT_EQ(back, c);
  EXPECT_EQ(to_json_bytes(back), bytes);
  EXPECT_NE(bytes.find(R"("ExposedPorts":{"53/udp":{},"80/tcp":{}})"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find(R"("Healthcheck":{"Interval":30000000000,"Retries":3,"Test":["CMD-SHELL","true"]})"),
            std::string::npos);
  EXPECT_NE(bytes.find(R"({"comment":"c","created_by":"ENV A=1","empty_layer":true})"), std::string::npos);
  EXPECT_EQ(bytes.find("\": "), std::string::npos);  // no whitespace between tokens
  EXPECT_EQ(bytes.find(", \""), std::string::npos);
  EXPECT_EQ(bytes.find('\n'), std::string::npos);
}

TEST(ImageConfigJson, UnknownFieldsArePreserved) {
  std::string docker = R"({"architecture":"amd64","os":"linux","docker_version":"20.10.7",
    "container_config":{"Hostname":"abc","Cmd":null},"config":{"Hostname":"","Cmd":["sh"],"Image":"sha256:x",
    "Env":null},"rootfs":{"type":"layers","diff_ids":[]},"created":"2021-01-01T00:00:00.123Z"})";
  ImageConfig c = parse_image_config(docker);
  EXPECT_EQ(c.config.cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(c.unknown.at("docker_version"), R"("20.10.7")");
  EXPECT_EQ(c.config.unknown.at("Image"), R"("sha256:x")");
  std::string out = to_json_bytes(c);
  EXPECT_EQ(out, R"({"architecture":"amd64","config":{"Cmd":["sh"],"Hostname":"","Image":"sha256:x"},)"
                 R"("container_config":{"Cmd":null,"Hostname":"abc"},"created":"2021-01-01T00:00:00.123Z",)"
                 R"("docker_version":"20.10.7","os":"linux","rootfs":{"diff_ids":[],"type":"layers"}})");
  EXPECT_EQ(to_json_bytes(parse_image_config(out)), out);
}

TEST(ImageConfigJson, WrongTypesAreParseErrorsNamingTheField) {
  try {
    parse_image_config(R"({"architecture":"amd64","os":"linux","config":{"Env":"A=1"}})", "base.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Parse);
    EXPECT_NE(std::string(e.what()).find("base.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Env"), std::string::npos);
  }
  EXPECT_THROW(parse_image_config("{not json"), Error);
  EXPECT_THROW(parse_image_config(R"({"rootfs":{"diff_ids":["sha256:XYZ"]}})"), Error);
}

TEST(ImageConfigJson, InvalidUtf8IsAnErrorNotACrash) {
  ImageConfig c;
  c.config.labels = {{"bad", std::string("\xff\xfe")}};
  EXPECT_THROW(to_json_bytes(c), Error);
}

TEST(ManifestJson, OciRoundTrip) {
  Manifest m;
  m.config = {media_type::kOciConfig, kD1, 7, {}, {}, {}};
  m.layers = {{media_type::kOciLayerGzip, Digest::of("l"), 9, {"https://example.com/l"}, {{"k", "v"}}, {}}};
  m.annotations = {{"org.opencontainers.image.created", "now"}};
  std::string bytes = to_json_bytes(m);
  EXPECT_EQ(bytes.substr(0, 52), R"({"annotations":{"org.opencontainers.image.created":")");
  EXPECT_EQ(parse_manifest(bytes), m);
  EXPECT_EQ(to_json_bytes(parse_manifest(bytes)), bytes);
}

TEST(ManifestJson, DockerSchema2AndListParse) {
  std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
   "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":")" +
                       kD1.str() + R"("},"layers":[]})";
  Manifest m = parse_manifest(docker);
  EXPECT_EQ(m.media_type, media_type::kDockerManifest);
  EXPECT_EQ(m.config.media_type, media_type::kDockerConfig);
  std::string list = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
   "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":5,"digest":")" +
                     kD1.str() + R"(","platform":{"architecture":"arm","os":"linux","variant":"v7"}}]})";
  Index idx = parse_index(list);
  ASSERT_EQ(idx.manifests.size(), 1u);
  EXPECT_EQ(idx.manifests[0].platform->variant, "v7");
  EXPECT_EQ(sniff_media_type(list), media_type::kDockerManifestList);
  EXPECT_THROW(parse_index(docker), Error);
  EXPECT_THROW(parse_manifest(list), Error);
  EXPECT_THROW(parse_manifest(R"({"schemaVersion":1,"config":{}})"), Error);
}

TEST(DescriptorJson, PlatformAndOmissions) {
  Descriptor d{media_type::kOciManifest, kD1, 3, {}, {}, Platform{"amd64", "linux", "", {}, ""}};
  EXPECT_EQ(to_json_bytes(d), R"({"digest":")" + kD1.str() +
                                  R"(","mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                                  R"("platform":{"architecture":"amd64","os":"linux"},"size":3})");
  EXPECT_EQ(parse_descriptor(to_json_bytes(d)), d);
  Platform p{"amd64", "windows", "10.0.1", {"win32k"}, ""};
  EXPECT_EQ(to_json_bytes(p), R"({"architecture":"amd64","os":"windows","os.features":["win32k"],"os.version":"10.0.1"})");
  EXPECT_EQ(parse_platform(to_json_bytes(p)), p);
}

TEST(ImageRef, Forms) {
  auto r = parse_image_ref("app");
  EXPECT_EQ(r.ref_name(), "app:latest");
  r = parse_image_ref("localhost:5000/team/app:1.0");
  EXPECT_EQ(r.name, "localhost:5000/team/app");
  EXPECT_EQ(r.tag, "1.0");
  r = parse_image_ref("localhost:5000/app");
  EXPECT_EQ(r.ref_name(), "localhost:5000/app:latest");
  r = parse_image_ref("app@" + kD1.str());
  EXPECT_EQ(r.name, "app");
  EXPECT_EQ(*r.digest, kD1);
  EXPECT_EQ(r.ref_name(), "");
  r = parse_image_ref(kD1.str());
  EXPECT_TRUE(r.name.empty());
  EXPECT_EQ(r.str(), kD1.str());
  EXPECT_EQ(parse_image_ref("docker.io/library/busybox:1").ref_name(), "busybox:1");
  EXPECT_EQ(parse_image_ref("docker.io/team/app").ref_name(), "team/app:latest");
  EXPECT_THROW(parse_image_ref("App:1"), Error);
  EXPECT_THROW(parse_image_ref("app:bad tag"), Error);
  EXPECT_THROW(parse_image_ref(""), Error);
  EXPECT_THROW(parse_tag_ref(kD1.str()), Error);
}

}  // namespace
}  // namespace ocbuild
