// The distribution client against a real registry (docker-registry, no auth).
#include "ocbuild/registry/client.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image.h"
#include "ocbuild/registry/platform_select.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::RegistryServer;
using ocbuild::testing::RegistrySuite;
using json = nlohmann::json;

std::string blob_bytes(size_t size, unsigned seed) {
  std::string s(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// An fd holding bytes (an unlinked temp file).
UniqueFd fd_with(const std::string& bytes) {
  char path[] = "/tmp/ocbuild-blob-XXXXXX";
  UniqueFd fd(::mkstemp(path));
  ::unlink(path);
  write_all(fd.get(), bytes.data(), bytes.size(), "temp blob");
  return fd;
}

Digest push(const Client& c, const std::string& bytes, std::optional<std::string> from = std::nullopt) {
  Digest d = Digest::of(bytes);
  UniqueFd fd = fd_with(bytes);
  c.push_blob(d, fd.get(), static_cast<int64_t>(bytes.size()), from);
  return d;
}

json descriptor(const char* mt, const std::string& bytes) {
  return {{"mediaType", mt}, {"digest", Digest::of(bytes).str()}, {"size", bytes.size()}};
}

// Pushes config + one layer + an OCI manifest; returns the manifest bytes.
std::string push_image(const Client& c, const std::string& arch, const std::string& tag) {
  std::string layer = blob_bytes(4096, static_cast<unsigned>(arch.size()));
  std::string config = json{{"architecture", arch}, {"os", "linux"},
                            {"rootfs", {{"type", "layers"}, {"diff_ids", {Digest::of(layer).str()}}}}}.dump();
  push(c, layer);
  push(c, config);
  std::string manifest = json{{"schemaVersion", 2}, {"mediaType", media_type::kOciManifest},
                              {"config", descriptor(media_type::kOciConfig, config)},
                              {"layers", {descriptor(media_type::kOciLayer, layer)}}}.dump();
  c.put_manifest(tag, manifest, media_type::kOciManifest);
  return manifest;
}

class ClientTest : public RegistrySuite<ClientTest> {
 protected:
  Client client(const std::string& repo, int64_t chunk = 0) const {
    ClientOptions o;
    o.use_credential_store = false;
    o.chunk_size = chunk;
    return Client(server_->host(), repo, o);
  }
};

TEST_F(ClientTest, PushAndPullManifestAndBlobs) {
  Client c = client("app");
  std::string manifest = push_image(c, "amd64", "1");
  Manifest got = c.get_manifest("1");
  EXPECT_EQ(got.bytes, manifest);
  EXPECT_EQ(got.media_type, media_type::kOciManifest);
  EXPECT_EQ(got.digest, Digest::of(manifest));
  EXPECT_EQ(c.get_manifest(got.digest.str()).bytes, manifest);
  auto head = c.head_manifest("1");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->digest, got.digest);
  EXPECT_EQ(head->size, static_cast<int64_t>(manifest.size()));
  EXPECT_FALSE(c.head_manifest("absent"));

  json m = json::parse(manifest);
  Digest layer = Digest::parse(m["layers"][0]["digest"].get<std::string>());
  StringBlobSink sink;
  c.fetch_blob(layer, sink);
  ASSERT_TRUE(sink.committed());
  EXPECT_EQ(Digest::of(sink.bytes()), layer);
  EXPECT_EQ(c.blob_size(layer), 4096);
  EXPECT_FALSE(c.blob_size(Digest::of("never pushed")));
}

TEST_F(ClientTest, ChunkedUploadRoundTrips) {
  Client c = client("chunked", 64 * 1024);
  std::string big = blob_bytes(300 * 1000, 7);
  Digest d = push(c, big);
  EXPECT_EQ(c.stats().blobs_uploaded, 1);
  EXPECT_EQ(c.stats().bytes_uploaded, 300 * 1000);
  ocbuild::TempDir dir;
  std::string out = dir.path() + "/blob";
  FileBlobSink sink(out);
  c.fetch_blob(d, sink);
  EXPECT_EQ(read_file(out), big);
  EXPECT_NE(server_->log().find("PATCH"), std::string::npos) << "no PATCH in the registry log";
}

TEST_F(ClientTest, SecondPushOfTheSameBlobUploadsNothing) {
  Client c = client("twice");
  std::string bytes = blob_bytes(10000, 3);
  UniqueFd fd = fd_with(bytes);
  Digest d = Digest::of(bytes);
  EXPECT_EQ(c.push_blob(d, fd.get(), 10000), BlobPushResult::Uploaded);
  EXPECT_EQ(c.push_blob(d, fd.get(), 10000), BlobPushResult::AlreadyExists);
  EXPECT_EQ(c.stats().blobs_uploaded, 1);
  EXPECT_EQ(c.stats().bytes_uploaded, 10000);
  EXPECT_EQ(c.stats().blobs_skipped, 1);
}

TEST_F(ClientTest, CrossRepositoryMount) {
  std::string bytes = blob_bytes(5000, 11);
  Digest d = push(client("mount-src"), bytes);
  Client dst = client("mount-dst");
  UniqueFd fd = fd_with(bytes);
  EXPECT_EQ(dst.push_blob(d, fd.get(), 5000, std::string("mount-src")), BlobPushResult::Mounted);
  EXPECT_EQ(dst.stats().blobs_mounted, 1);
  EXPECT_EQ(dst.stats().blobs_uploaded, 0);
  EXPECT_EQ(dst.blob_size(d), 5000);
}

TEST_F(ClientTest, IndexResolvesToTheHostPlatform) {
  Client c = client("multi");
  std::string amd = push_image(c, "amd64", "amd64-only");
  std::string arm = push_image(c, "arm64", "arm64-only");
  json index = {{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", json::array()}};
  for (auto [bytes, arch] : {std::pair{amd, "amd64"}, std::pair{arm, "arm64"}}) {
    json d = descriptor(media_type::kOciManifest, bytes);
    d["platform"] = {{"architecture", arch}, {"os", "linux"}};
    index["manifests"].push_back(d);
  }
  c.put_manifest("multi", index.dump(), media_type::kOciIndex);
  Manifest got = c.get_manifest("multi");
  ASSERT_TRUE(is_index_media_type(got.media_type));
  Platform host = host_platform();
  auto chosen = match_manifest(parse_index(got.bytes), host);
  if (host.architecture != "amd64" && host.architecture != "arm64") GTEST_SKIP() << "host is neither amd64 nor arm64";
  ASSERT_TRUE(chosen);
  Manifest m = c.get_manifest(chosen->digest.str());
  Digest config = Digest::parse(json::parse(m.bytes)["config"]["digest"].get<std::string>());
  StringBlobSink sink;
  c.fetch_blob(config, sink);
  EXPECT_EQ(json::parse(sink.bytes())["architecture"], host.architecture);

  ResolvedImage r = c.resolve("multi", host);
  EXPECT_EQ(r.manifest.digest, chosen->digest);
  ASSERT_TRUE(r.index);
  EXPECT_EQ(r.index->digest, got.digest);
  EXPECT_EQ(c.resolve("arm64-only", host).index, std::nullopt);
  try {
    c.resolve("multi", parse_platform("linux/s390x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.message(), "image " + server_->host() + "/multi:multi has no linux/s390x manifest (has: linux/amd64, "
                           "linux/arm64)");
  }
}

TEST_F(ClientTest, TamperedBlobFailsAndCommitsNothing) {
  Client c = client("tamper");
  std::string bytes = blob_bytes(8192, 5);
  Digest d = push(c, bytes);
  std::string data = server_->blob_data_path(d.hex());
  ASSERT_TRUE(std::filesystem::exists(data));
  bytes[100] ^= 0x55;  // same size, different content
  std::ofstream(data, std::ios::binary | std::ios::trunc) << bytes;
  ocbuild::TempDir dir;
  std::string out = dir.path() + "/blob";
  try {
    FileBlobSink sink(out);
    c.fetch_blob(d, sink);
    FAIL() << "a tampered blob was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Registry);
    EXPECT_NE(std::string(e.what()).find("digest mismatch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(server_->host() + "/tamper@" + d.str()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pull again; if it persists"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the sink left a file behind";
  StringBlobSink mem;
  EXPECT_THROW(c.fetch_blob(d, mem), Error);
  EXPECT_FALSE(mem.committed());
}

TEST_F(ClientTest, MissingManifestNamesTheReference) {
  Client c = client("app");
  try {
    c.get_manifest("nope");
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(server_->host() + "/app:nope: not found"), std::string::npos) << msg;
    EXPECT_NE(msg.find("MANIFEST_UNKNOWN"), std::string::npos) << msg;
  }
}

TEST_F(ClientTest, RejectedManifestIsAClearError) {
  Client c = client("app");
  std::string config = blob_bytes(100, 1);
  push(c, config);
  // A manifest that names a layer the repository does not have.
  std::string manifest = json{{"schemaVersion", 2}, {"mediaType", media_type::kOciManifest},
                              {"config", descriptor(media_type::kOciConfig, config)},
                              {"layers", {descriptor(media_type::kOciLayer, "missing layer")}}}.dump();
  try {
    c.put_manifest("bad", manifest, media_type::kOciManifest);
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(server_->host() + "/app:bad: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("MANIFEST_BLOB_UNKNOWN"), std::string::npos) << msg;
  }
  try {
    c.put_manifest("bad", "{\"schemaVersion\":2}", "application/x-unknown");
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unsupported"), std::string::npos) << msg;
  }
}

TEST_F(ClientTest, UnreachableRegistryIsAClearNetError) {
  ClientOptions o;
  o.use_credential_store = false;
  o.transport.max_attempts = 2;
  o.transport.initial_backoff = std::chrono::milliseconds(5);
  std::string host = "127.0.0.1:" + std::to_string(ocbuild::testing::free_port());
  Client c(host, "app", o);
  try {
    c.get_manifest("1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Net);
    EXPECT_NE(std::string(e.what()).find(host + "/app:1: registry " + host + " unreachable"), std::string::npos)
        << e.what();
  }
}

TEST_F(ClientTest, OneClientServesSeveralThreads) {
  Client c = client("threads");
  std::vector<std::string> blobs;
  std::vector<Digest> digests;
  for (unsigned i = 0; i < 8; ++i) {
    blobs.push_back(blob_bytes(20000 + i, 100 + i));
    digests.push_back(push(c, blobs.back()));
  }
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      StringBlobSink s;
      c.fetch_blob(digests[i], s);
      got[i] = s.bytes();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(got, blobs);
}

}  // namespace
}  // namespace ocbuild::registry
