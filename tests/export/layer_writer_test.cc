#include "ocbuild/export/layer_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/export/layer_reader.h"
#include "support/test_env.h"
#include "tree_builder.h"

using namespace ocbuild;
using namespace ocbuild::exporter;
using ocbuild::testing::TreeBuilder;

namespace {

constexpr int64_t kEpoch = 1700000000;

LayerWriteOptions opts(Compression c = Compression::None) {
  LayerWriteOptions o;
  o.source_date_epoch = kEpoch;
  o.compression.compression = c;
  return o;
}

const LayerEntry& find(const std::vector<LayerEntry>& entries, const std::string& path) {
  for (const auto& e : entries)
    if (e.path == path) return e;
  throw std::runtime_error("no entry " + path);
}

TEST(LayerWriter, EntriesInLayerOrderWithCanonicalNames) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("a-b", "x");
  t.file("a/b", "y");
  t.dir("a/c");
  t.file("B", "upper");
  t.symlink("link", "a/b");
  t.set_all_mtimes(kEpoch);
  write_layer_from_dir(src.path(), opts(), out.path() + "/l.tar");
  std::vector<std::string> want = {"B", "a/", "a/b", "a/c/", "a-b", "link"};
  EXPECT_EQ(ocbuild::testing::raw_entry_names(out.path() + "/l.tar"), want);
}

TEST(LayerWriter, OwnersNumericAndTimesClamped) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("f", "data", 04755);
  t.file("old", "data");
  t.owner("f", 1234, 5678);
  ASSERT_EQ(::chmod(t.abs("f").c_str(), 04755), 0);  // chown cleared setuid
  t.set_all_mtimes(kEpoch + 1000);
  struct timespec ts[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, t.abs("old").c_str(), ts, 0), 0);
  std::string blob = out.path() + "/l.tar";
  write_layer_from_dir(src.path(), opts(), blob);
  auto entries = read_layer_entries(blob);
  const auto& f = find(entries, "f");
  EXPECT_EQ(f.uid, 1234);
  EXPECT_EQ(f.gid, 5678);
  EXPECT_EQ(f.mode, 04755u);
  EXPECT_EQ(f.mtime, kEpoch);
  EXPECT_EQ(find(entries, "old").mtime, 1000);
  // No user/group names and no atime/ctime records anywhere in the tar.
  std::string raw = ocbuild::testing::slurp(blob);
  EXPECT_EQ(raw.find("atime="), std::string::npos);
  EXPECT_EQ(raw.find("ctime="), std::string::npos);
  EXPECT_EQ(raw.find("root"), std::string::npos);
}

TEST(LayerWriter, XattrsKeptButNotOverlayOnes) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("bin", "elf");
  // VFS_CAP_REVISION_2 with CAP_NET_BIND_SERVICE permitted+effective.
  std::string cap("\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  if (!t.xattr("bin", "security.capability", cap) || !t.xattr("bin", "user.note", "hi"))
    GTEST_SKIP() << "file system in $TMPDIR lacks xattr support";
  bool trusted = t.xattr("bin", "trusted.overlay.opaque", "y");
  t.xattr("bin", "user.overlay.origin", "z");
  std::string blob = out.path() + "/l.tar";
  write_layer_from_dir(src.path(), opts(), blob);
  auto e = find(read_layer_entries(blob), "bin");
  EXPECT_EQ(e.xattrs.at("security.capability"), cap);
  EXPECT_EQ(e.xattrs.at("user.note"), "hi");
  EXPECT_EQ(e.xattrs.count("user.overlay.origin"), 0u);
  if (trusted) {
    EXPECT_EQ(e.xattrs.count("trusted.overlay.opaque"), 0u);
  }
}

TEST(LayerWriter, HardLinksKeptFirstIsTheFile) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("z", "shared");
  t.hardlink("a", "z");
  t.hardlink("m", "z");
  std::string blob = out.path() + "/l.tar";
  write_layer_from_dir(src.path(), opts(), blob);
  auto entries = read_layer_entries(blob);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].path, "a");
  EXPECT_EQ(entries[0].type, EntryType::File);
  EXPECT_EQ(entries[0].content, Digest::of("shared"));
  EXPECT_EQ(entries[1].type, EntryType::Hardlink);
  EXPECT_EQ(entries[1].link_target, "a");
  EXPECT_EQ(entries[2].type, EntryType::Hardlink);
  EXPECT_EQ(entries[2].link_target, "a");
}

TEST(LayerWriter, SpecialFiles) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.fifo("pipe");
  bool dev = ::mknod(t.abs("null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
  std::string blob = out.path() + "/l.tar";
  write_layer_from_dir(src.path(), opts(), blob);
  auto entries = read_layer_entries(blob);
  EXPECT_EQ(find(entries, "pipe").type, EntryType::Fifo);
  if (dev) {
    const auto& n = find(entries, "null");
    EXPECT_EQ(n.type, EntryType::CharDevice);
    EXPECT_EQ(n.dev_major, 1u);
    EXPECT_EQ(n.dev_minor, 3u);
  }
}

TEST(LayerWriter, ChangeSetWritesWhiteoutsAndOpaqueDirs) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("etc/new.conf", "n");
  t.dir("var/cache");
  t.file("var/cache/keep", "k");
  ChangeSet cs;
  cs.root = src.path();
  cs.changes = {{Change::Kind::Add, "etc/new.conf"},
                {Change::Kind::Delete, "etc/old.conf"},
                {Change::Kind::Delete, "gone"},
                {Change::Kind::Add, "var/cache/keep"}};
  cs.opaque_dirs = {"var/cache"};
  std::string blob = out.path() + "/l.tar";
  Layer layer = write_layer_from_changes(cs, opts(), blob);
  std::vector<std::string> want = {"etc/", "etc/.wh.old.conf", "etc/new.conf", ".wh.gone",
                                   "var/", "var/cache/", "var/cache/.wh..wh..opq", "var/cache/keep"};
  std::sort(want.begin(), want.end(), [](const std::string& a, const std::string& b) {
    return layer_path_less(a, b);
  });
  EXPECT_EQ(ocbuild::testing::raw_entry_names(blob), want);
  auto entries = read_layer_entries(blob);
  EXPECT_TRUE(find(entries, ".wh.gone").whiteout);
  EXPECT_EQ(find(entries, ".wh.gone").mtime, kEpoch);
  EXPECT_EQ(find(entries, ".wh.gone").size, 0);
  EXPECT_EQ(layer.blob.digest, layer.diff_id);
  EXPECT_THROW(write_layer_from_changes({src.path(), {{Change::Kind::Add, "../x"}}, {}}, opts(), blob), Error);
}

TEST(LayerWriter, LayerPathOrder) {
  EXPECT_TRUE(layer_path_less("a", "a/b"));
  EXPECT_TRUE(layer_path_less("a/b", "a-b"));
  EXPECT_TRUE(layer_path_less("a/zzz", "a0"));
  EXPECT_FALSE(layer_path_less("a", "a"));
  EXPECT_TRUE(layer_path_less("\x7f", "\xc3\xa9"));
}

TEST(LayerWriter, GnuTarListsTheLayer) {
  if (!ocbuild::testing::have_program("tar")) GTEST_SKIP() << "no GNU tar";
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("dir/file.txt", "hello", 0600);
  t.symlink("dir/ln", "file.txt");
  t.hardlink("dir/hl", "dir/file.txt");
  t.owner("dir/file.txt", 42, 43);
  t.set_all_mtimes(kEpoch);
  for (Compression c : {Compression::None, Compression::Gzip, Compression::Zstd}) {
    std::string blob = out.path() + "/l" + std::to_string(static_cast<int>(c));
    write_layer_from_dir(src.path(), opts(c), blob);
    auto r = ocbuild::testing::run_command("tar --numeric-owner -tvf " + blob);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("-rw------- 42/43"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("dir/hl link to dir/file.txt"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("dir/ln -> file.txt"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("2023-11-14 22:13 dir/"), std::string::npos) << r.output;
  }
}

}  // namespace

namespace {
TEST(LayerWriter, SocketsAreSkipped) {
  TempDir src, out;
  TreeBuilder t(src.path());
  t.file("keep", "k");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock = t.abs("sock");
  if (sock.size() >= sizeof addr.sun_path) GTEST_SKIP() << "temp path too long for a socket";
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  write_layer_from_dir(src.path(), opts(), out.path() + "/l.tar");
  EXPECT_EQ(ocbuild::testing::raw_entry_names(out.path() + "/l.tar"), std::vector<std::string>{"keep"});
}
}  // namespace
