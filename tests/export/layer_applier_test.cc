#include "ocbuild/export/layer_applier.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_reader.h"
#include "ocbuild/export/layer_writer.h"
#include "tree_builder.h"

using namespace ocbuild;
using namespace ocbuild::exporter;
using ocbuild::testing::TreeBuilder;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kEpoch = 1700000000;

LayerWriteOptions opts(Compression c = Compression::None) {
  LayerWriteOptions o;
  o.source_date_epoch = kEpoch;
  o.compression.compression = c;
  return o;
}

// Writes the layer of dir to out and returns out.
std::string layer_of(const std::string& dir, const std::string& out, Compression c = Compression::None) {
  write_layer_from_dir(dir, opts(c), out);
  return out;
}

bool exists(const std::string& p) { return fs::exists(fs::symlink_status(p)); }

class RoundTrip : public ::testing::TestWithParam<Compression> {};

// Write a tree, apply it to an empty directory, write that again: the
// second layer must be the same bytes, so every attribute survived.
TEST_P(RoundTrip, ApplyThenWriteGivesTheSameLayer) {
  TempDir src, dst, out;
  TreeBuilder t(src.path());
  t.dir("ro", 0555);
  t.file("ro/file", "content", 0640);
  t.file("suid", "x", 0644);
  t.owner("suid", 1000, 1000);
  ASSERT_EQ(::chmod(t.abs("suid").c_str(), 04755), 0);
  t.symlink("abs-link", "/etc/passwd");
  t.hardlink("hl", "ro/file");
  t.fifo("fifo");
  t.xattr("ro/file", "user.k", "v");
  t.set_all_mtimes(kEpoch - 100);
  std::string blob = out.path() + "/1";
  Layer first = write_layer_from_dir(src.path(), opts(GetParam()), blob);
  ApplyResult r = apply_layer(blob, dst.path());
  EXPECT_EQ(r.entries, 6u);
  EXPECT_TRUE(r.warnings.empty());
  Layer second = write_layer_from_dir(dst.path(), opts(GetParam()), out.path() + "/2");
  EXPECT_EQ(first.diff_id, second.diff_id);
  EXPECT_EQ(read_layer_entries(blob), read_layer_entries(out.path() + "/2"));
}

std::string compression_name(const ::testing::TestParamInfo<Compression>& info) {
  static const char* const kNames[] = {"none", "gzip", "zstd"};
  return kNames[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Compressions, RoundTrip,
                         ::testing::Values(Compression::None, Compression::Gzip, Compression::Zstd),
                         compression_name);

TEST(Applier, WhiteoutsAndOpaqueDirectories) {
  TempDir lower, upper, dst, out;
  TreeBuilder l(lower.path());
  l.file("etc/old.conf", "old");
  l.file("etc/keep.conf", "keep");
  l.file("var/cache/a", "a");
  l.file("var/cache/sub/b", "b");
  l.file("gone/deep/x", "x");
  apply_layer(layer_of(lower.path(), out.path() + "/l"), dst.path());
  ASSERT_TRUE(exists(dst.path() + "/var/cache/sub/b"));

  TreeBuilder u(upper.path());
  u.file("var/cache/new", "n");
  ChangeSet cs{upper.path(),
               {{Change::Kind::Delete, "etc/old.conf"},
                {Change::Kind::Delete, "gone"},
                {Change::Kind::Add, "var/cache/new"}},
               {"var/cache"}};
  write_layer_from_changes(cs, opts(Compression::Zstd), out.path() + "/u");
  ApplyResult r = apply_layer(out.path() + "/u", dst.path());
  EXPECT_EQ(r.whiteouts, 3u);
  EXPECT_FALSE(exists(dst.path() + "/etc/old.conf"));
  EXPECT_TRUE(exists(dst.path() + "/etc/keep.conf"));
  EXPECT_FALSE(exists(dst.path() + "/gone"));
  EXPECT_FALSE(exists(dst.path() + "/var/cache/a"));
  EXPECT_FALSE(exists(dst.path() + "/var/cache/sub"));
  EXPECT_EQ(ocbuild::testing::slurp(dst.path() + "/var/cache/new"), "n");
}

TEST(Applier, ReplacesFilesAndDirectoriesByType) {
  TempDir a, b, dst, out;
  TreeBuilder(a.path()).file("x/inner", "1");
  TreeBuilder(a.path()).file("y", "file");
  apply_layer(layer_of(a.path(), out.path() + "/a"), dst.path());
  TreeBuilder(b.path()).file("x", "now a file");
  TreeBuilder(b.path()).file("y/now-dir", "d");
  apply_layer(layer_of(b.path(), out.path() + "/b", Compression::Gzip), dst.path());
  EXPECT_EQ(ocbuild::testing::slurp(dst.path() + "/x"), "now a file");
  EXPECT_EQ(ocbuild::testing::slurp(dst.path() + "/y/now-dir"), "d");
}

TEST(Applier, RejectsWhatIsNotALayer) {
  TempDir out;
  std::string p = out.path() + "/junk";
  write_file_atomic(p, std::string(4096, 'j'));
  EXPECT_THROW(apply_layer(p, out.path()), Error);
  EXPECT_THROW(read_layer_entries(p), Error);
}

}  // namespace
