// Reproducibility of layer blobs: same content, same bytes, whatever the
// directory, mtimes after SOURCE_DATE_EPOCH, umask, creation order or zstd
// thread count. Plus pinned known answers.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <random>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/export/blob_writer.h"
#include "ocbuild/export/layer_writer.h"
#include "support/test_env.h"
#include "tree_builder.h"

using namespace ocbuild;
using namespace ocbuild::exporter;
using ocbuild::testing::TreeBuilder;

namespace {

constexpr int64_t kEpoch = 1700000000;

using Step = std::function<void(TreeBuilder&)>;

std::vector<Step> tree_steps() {
  return {
      [](TreeBuilder& t) { t.dir("usr", 0755); },
      [](TreeBuilder& t) { t.dir("usr/bin", 0755); },
      [](TreeBuilder& t) { t.dir("etc", 0700); },
      [](TreeBuilder& t) { t.file("usr/bin/tool", std::string(70000, 'x') + "tool", 0755); },
      [](TreeBuilder& t) { t.file("etc/conf", "key=value\n", 0600); },
      [](TreeBuilder& t) { t.file("readme", "hello\n", 0644); },
      [](TreeBuilder& t) { t.symlink("usr/bin/alias", "tool"); },
      [](TreeBuilder& t) { t.fifo("fifo"); },
  };
}

// Builds the known tree in `root`, running the steps in the given order
// (dependencies first), under `mask`, with every mtime set to `mtime`.
void build_tree(const std::string& root, bool reversed, mode_t mask, int64_t mtime) {
  mode_t old = ::umask(mask);
  TreeBuilder t(root);
  auto steps = tree_steps();
  if (reversed) {
    // Files first in reverse, but each directory must exist before its files.
    t.dir("usr/bin", 0755);
    t.dir("etc", 0700);
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) (*it)(t);
  } else {
    for (auto& s : steps) s(t);
  }
  t.hardlink("usr/bin/tool2", "usr/bin/tool");
  ::chmod(root.c_str(), 0755);
  t.set_all_mtimes(mtime);
  ::umask(old);
}

Layer write(const std::string& dir, Compression c, const std::string& out, int workers = 0) {
  LayerWriteOptions o;
  o.source_date_epoch = kEpoch;
  o.compression.compression = c;
  o.compression.zstd_workers = workers;
  return write_layer_from_dir(dir, o, out);
}

std::string compression_name(const ::testing::TestParamInfo<Compression>& info) {
  static const char* const kNames[] = {"none", "gzip", "zstd"};
  return kNames[static_cast<int>(info.param)];
}

class Determinism : public ::testing::TestWithParam<Compression> {};

TEST_P(Determinism, SameTreeSameDigest) {
  TempDir a, b, out;
  build_tree(a.path(), false, 022, kEpoch + 10);
  build_tree(b.path(), true, 077, kEpoch + 99999);
  Layer la = write(a.path(), GetParam(), out.path() + "/a");
  Layer lb = write(b.path(), GetParam(), out.path() + "/b");
  EXPECT_EQ(la.diff_id, lb.diff_id);
  EXPECT_EQ(la, lb) << la.blob.digest.str() << " vs " << lb.blob.digest.str();
  EXPECT_EQ(Digest::of_file(out.path() + "/a"), la.blob.digest);
  EXPECT_EQ(la.blob.size, static_cast<int64_t>(ocbuild::testing::slurp(out.path() + "/a").size()));
}

TEST_P(Determinism, OneByteChangesTheDigest) {
  TempDir a, out;
  build_tree(a.path(), false, 022, kEpoch);
  Layer before = write(a.path(), GetParam(), out.path() + "/a");
  TreeBuilder(a.path()).file("etc/conf", "key=valuf\n", 0600);
  TreeBuilder(a.path()).set_all_mtimes(kEpoch);
  Layer after = write(a.path(), GetParam(), out.path() + "/b");
  EXPECT_NE(before.diff_id, after.diff_id);
  EXPECT_NE(before.blob.digest, after.blob.digest);
}

INSTANTIATE_TEST_SUITE_P(Compressions, Determinism,
                         ::testing::Values(Compression::None, Compression::Gzip, Compression::Zstd),
                         compression_name);

// Known answers: any change to the tar layout or the compressors' framing
// shows up here as a reviewed diff. gzip bytes are zlib 1.2.13's (Debian 12).
TEST(KnownAnswer, SmallTreeDigests) {
  // The pinned tar records owner 0:0, which only root can create.
  if (::geteuid() != 0) GTEST_SKIP() << "known answer needs files owned by root";
  TempDir a, out;
  build_tree(a.path(), false, 022, kEpoch + 5);
  Layer none = write(a.path(), Compression::None, out.path() + "/n");
  Layer gz = write(a.path(), Compression::Gzip, out.path() + "/g");
  Layer zs = write(a.path(), Compression::Zstd, out.path() + "/z");
  EXPECT_EQ(none.diff_id.str(), "sha256:e36bbd44190d165aef26b4b14bbd8455f01d8247a70e88565a10d019a8bdd468");
  EXPECT_EQ(none.uncompressed_size, 76800);
  EXPECT_EQ(gz.blob.digest.str(), "sha256:daf0b7f614e2859521addcc0d768526b400b63c11882cc33274f3764377690b7");
  EXPECT_EQ(zs.blob.digest.str(), "sha256:b8af37ae664f1d296e3f637d97124152bda4615d663fcbb41091f5241ce4a0c1");
  EXPECT_EQ(gz.diff_id, none.diff_id);
  EXPECT_EQ(zs.diff_id, none.diff_id);
  EXPECT_EQ(gz.blob.media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(zs.blob.media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
  EXPECT_EQ(none.blob.media_type, "application/vnd.oci.image.layer.v1.tar");
}

TEST(Gzip, HeaderHasNoNameAndNoMtime) {
  TempDir a, out;
  build_tree(a.path(), false, 022, kEpoch);
  write(a.path(), Compression::Gzip, out.path() + "/g");
  std::string bytes = ocbuild::testing::slurp(out.path() + "/g");
  ASSERT_GT(bytes.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
  EXPECT_EQ(bytes[3], 0) << "FLG must have no FNAME/FCOMMENT/FEXTRA";
  EXPECT_EQ(bytes.substr(4, 4), std::string(4, '\0')) << "MTIME must be 0";
}

// 24 MiB of compressible data spans several zstd jobs, so the workers really
// split it; the frame must not depend on how many there are.
TEST(Zstd, SameBytesWhateverTheThreadCount) {
  std::mt19937 rng(42);
  std::string data(24 << 20, '\0');
  for (auto& ch : data) ch = static_cast<char>('a' + rng() % 8);
  TempDir out;
  std::vector<Digest> digests;
  for (int workers : {1, 2, 3, 8}) {
    std::string path = out.path() + "/z" + std::to_string(workers);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd);
    CompressingBlobWriter w(fd.get(), {Compression::Zstd, 3, workers});
    for (size_t off = 0; off < data.size(); off += 100000) w.write(data.data() + off, std::min<size_t>(100000, data.size() - off));
    BlobResult r = w.finish();
    EXPECT_EQ(r.diff_id, Digest::of(data));
    EXPECT_EQ(r.digest, Digest::of_file(path));
    EXPECT_LT(r.size, static_cast<int64_t>(data.size()));
    digests.push_back(r.digest);
  }
  for (const auto& d : digests) EXPECT_EQ(d, digests[0]);
  if (ocbuild::testing::have_program("zstd")) {
    auto r = ocbuild::testing::run_command("zstd -t -q " + out.path() + "/z2");
    EXPECT_EQ(r.status, 0) << r.output;
  }
}

// The same through the layer writer: a tree whose tar spans several 8 MiB
// zstd jobs gives one layer digest (and diff_id) for 1 worker and for many.
TEST(Zstd, SameLayerDigestWhateverTheThreadCount) {
  TempDir tree, out;
  TreeBuilder t(tree.path());
  std::mt19937 rng(7);
  for (int i = 0; i < 48; ++i) {
    std::string body(600000 + i * 1000, '\0');
    for (auto& ch : body) ch = static_cast<char>('a' + rng() % 11);
    t.file("d" + std::to_string(i % 4) + "/f" + std::to_string(i), body);
  }
  t.set_all_mtimes(kEpoch);
  std::vector<Layer> layers;
  for (int workers : {1, 2, 5}) {
    LayerWriteOptions o;
    o.source_date_epoch = kEpoch;
    o.compression = {Compression::Zstd, 3, workers};
    layers.push_back(write_layer_from_dir(tree.path(), o, out.path() + "/l" + std::to_string(workers)));
    EXPECT_EQ(layers.back().blob.digest, Digest::of_file(out.path() + "/l" + std::to_string(workers)));
  }
  ASSERT_GT(layers[0].uncompressed_size, 3 * (8 << 20));
  for (const auto& l : layers) EXPECT_EQ(l, layers[0]);
}

}  // namespace
