#include "ocbuild/solver/build_context.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/solver/explain.h"
#include "support/test_env.h"

namespace ocbuild::solver {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Entries as "rel=context_path" per match: "match:" + path then entries.
std::vector<std::string> listing(const Selection& s) {
  std::vector<std::string> out;
  for (const auto& m : s.matches) {
    out.push_back("match:" + m.path);
    for (const auto& e : m.entries) out.push_back(e.rel + "=" + e.context_path);
  }
  return out;
}

struct ContextTest : ::testing::Test {
  TempDir tmp{"ocbuild-ctx-test-"};
  std::string ctx = tmp.path() + "/ctx";
  std::string store = tmp.path() + "/store";
  void SetUp() override {
    write(ctx + "/foo.go", "foo-contents");
    write(ctx + "/bar.go", "bar-contents");
    write(ctx + "/sub/dir1/dir2/foo", "foo-contents");
    write(ctx + "/src/main.c", "int main;");
    write(ctx + "/src/util.c", "util");
  }
  BuildContext open() { return BuildContext::open(ctx, ctx + "/Dockerfile", store); }
  Digest digest(const std::vector<std::string>& sources, const std::vector<std::string>& excludes = {}) {
    BuildContext c = open();
    return c.digest_of(c.select(sources, excludes)).digest;
  }
};

TEST_F(ContextTest, WildcardsPerComponent) {
  BuildContext c = open();
  EXPECT_EQ(listing(c.select({"*.go"})), (std::vector<std::string>{"match:bar.go", "=bar.go", "match:foo.go", "=foo.go"}));
  EXPECT_EQ(listing(c.select({"sub/*/dir2/foo"})), (std::vector<std::string>{"match:sub/dir1/dir2/foo", "=sub/dir1/dir2/foo"}));
  EXPECT_EQ(listing(c.select({"su?/dir[0-9]"})),
            (std::vector<std::string>{"match:sub/dir1", "=sub/dir1", "dir2=sub/dir1/dir2", "dir2/foo=sub/dir1/dir2/foo"}));
}

TEST_F(ContextTest, DirectoryMeansItsContents) {
  BuildContext c = open();
  auto plain = listing(c.select({"sub/dir1"}));
  EXPECT_EQ(listing(c.select({"sub/dir1/"})), plain);
  auto dot = listing(c.select({"sub/dir1/."}));
  ASSERT_EQ(dot.size(), plain.size());
  EXPECT_TRUE(std::equal(plain.begin() + 1, plain.end(), dot.begin() + 1));
  Selection all = c.select({"."});
  EXPECT_EQ(all.matches.size(), 1u);
  EXPECT_EQ(all.matches[0].entries.front().rel, "");
  EXPECT_TRUE(all.matches[0].is_dir);
  EXPECT_EQ(all.entry_count(), 10u);  // root, bar.go, foo.go, src, 2 files, sub, dir1, dir2, foo
}

TEST_F(ContextTest, MissingSourceNamesThePattern) {
  BuildContext c = open();
  try {
    c.select({"foo.go", "nope.txt"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(e.message().find("\"nope.txt\""), std::string::npos) << e.message();
  }
  // A wildcard that matches nothing is fine when another source exists...
  EXPECT_EQ(c.select({"foo.go", "nomatch*"}).matches.size(), 1u);
  // ...but not when nothing at all is selected.
  EXPECT_THROW(c.select({"nomatch*"}), Error);
  EXPECT_THROW(c.select({"foo.go/x"}), Error);
}

TEST_F(ContextTest, SourcesCannotLeaveTheContext) {
  BuildContext c = open();
  for (const char* bad : {"../x", "..", "src/../../etc/passwd", "../*"}) {
    try {
      c.select({bad});
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Invalid) << bad;
      EXPECT_NE(e.message().find("outside the build context"), std::string::npos) << e.message();
    }
  }
  // A leading slash is the context root; ".." above "/" stays at the root.
  EXPECT_EQ(listing(c.select({"/foo.go"})), listing(c.select({"foo.go"})));
  EXPECT_EQ(listing(c.select({"/../foo.go"})), listing(c.select({"foo.go"})));
}

TEST_F(ContextTest, SymlinksFollowedAtTheTopKeptInside) {
  fs::create_symlink("foo.go", ctx + "/lfoo");
  fs::create_symlink("sub", ctx + "/lsub");
  fs::create_symlink("/etc/passwd", ctx + "/src/escape");  // lands inside the context
  fs::create_symlink("../main.c", ctx + "/src/rel");
  BuildContext c = open();
  Selection s = c.select({"lfoo", "lsub/dir1/dir2/foo"});
  EXPECT_EQ(listing(s), (std::vector<std::string>{"match:lfoo", "=foo.go", "match:lsub/dir1/dir2/foo", "=sub/dir1/dir2/foo"}));
  EXPECT_EQ(s.matches[0].entries[0].type, EntryType::File);
  EXPECT_THROW(c.select({"src/escape"}), Error);  // /etc/passwd inside the context does not exist
  Selection dir = c.select({"src"});
  auto it = std::find_if(dir.matches[0].entries.begin(), dir.matches[0].entries.end(),
                         [](const SelectedEntry& e) { return e.rel == "escape"; });
  ASSERT_NE(it, dir.matches[0].entries.end());
  EXPECT_EQ(it->type, EntryType::Symlink);
  EXPECT_EQ(it->link_target, "/etc/passwd");
}

TEST_F(ContextTest, DockerignoredFilesAreNotInTheDigest) {
  Digest before = digest({"."});
  write(ctx + "/.dockerignore", "*.log\nsrc/util.c\n");
  Digest with_ignore_file = digest({"."});
  EXPECT_NE(before, with_ignore_file);  // .dockerignore itself is part of the context
  write(ctx + "/debug.log", "noise");
  EXPECT_EQ(digest({"."}), with_ignore_file);
  write(ctx + "/src/util.c", "changed");
  EXPECT_EQ(digest({"."}), with_ignore_file);
  BuildContext c = open();
  EXPECT_EQ(listing(c.select({"src"})), (std::vector<std::string>{"match:src", "=src", "main.c=src/main.c"}));
  EXPECT_THROW(c.select({"src/util.c"}), Error);
  EXPECT_THROW(c.select({"debug.log"}), Error);
  write(ctx + "/src/main.c", "changed");
  EXPECT_NE(digest({"."}), with_ignore_file);
}

TEST_F(ContextTest, DockerignoreExceptionsReinclude) {
  write(ctx + "/.dockerignore", "src\n!src/main.c\n");
  BuildContext c = open();
  EXPECT_EQ(listing(c.select({"src"})), (std::vector<std::string>{"match:src", "=src", "main.c=src/main.c"}));
}

TEST_F(ContextTest, MtimeOnlyChangeKeepsTheDigestModeChangeDoesNot) {
  Digest d0 = digest({"src"});
  struct timespec times[2] = {{1000, 0}, {2000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (ctx + "/src/main.c").c_str(), times, 0), 0);
  EXPECT_EQ(digest({"src"}), d0);
  ASSERT_EQ(::chmod((ctx + "/src/main.c").c_str(), 0755), 0);
  Digest d1 = digest({"src"});
  EXPECT_NE(d1, d0);
  ASSERT_EQ(::chmod((ctx + "/src/main.c").c_str(), 0644), 0);
  EXPECT_EQ(digest({"src"}), d0);
  write(ctx + "/src/main.c", "int main;;");
  EXPECT_NE(digest({"src"}), d0);
  fs::create_symlink("a", ctx + "/src/link");
  Digest with_link = digest({"src"});
  fs::remove(ctx + "/src/link");
  fs::create_symlink("b", ctx + "/src/link");
  EXPECT_NE(digest({"src"}), with_link);
}

// A COPY key over a real selection explains its miss file by file.
TEST_F(ContextTest, ExplainsWhichFileChanged) {
  auto key = [&] {
    BuildContext c = open();
    ContentDigest d = c.digest_of(c.select({"src"}));
    FileKeyInput in;
    in.sources = {"src"};
    in.destination = "/app/";
    in.content = d.digest;
    in.files = d.files;
    return file_key(in);
  };
  CacheKey before = key();
  ASSERT_EQ(::chmod((ctx + "/src/util.c").c_str(), 0755), 0);
  write(ctx + "/src/main.c", "int main(void);");
  CacheKey after = key();
  EXPECT_NE(before.digest, after.digest);
  EXPECT_EQ(explain_miss(before.fields, before.files, after),
            (std::vector<std::string>{"file src/main.c changed", "file src/util.c changed from file 0644 to file 0755"}));
}

TEST_F(ContextTest, DestinationNamesCount) {
  // The same bytes selected under another name copy to another path.
  write(ctx + "/other.go", "foo-contents");
  EXPECT_NE(digest({"foo.go"}), digest({"other.go"}));
}

// Files changed less than the racy window ago (100 ms, or within the
// current second) are never cached; wait it out: into the next second and
// 150 ms on.
void wait_racy_window() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  ::usleep(useconds_t((1000000000 - now.tv_nsec) / 1000 + 150 * 1000));
}

TEST_F(ContextTest, StatCacheHitDoesNotReadTheFile) {
  wait_racy_window();
  Digest first;
  {
    BuildContext c = open();
    first = c.digest_of(c.select({"src"})).digest;
    EXPECT_EQ(c.files_read(), 2u);
    c.save_stat_cache();
  }
  {
    BuildContext c = open();
    EXPECT_EQ(c.digest_of(c.select({"src"})).digest, first);
    EXPECT_EQ(c.files_read(), 0u);  // both came from the persistent stat cache
  }
  // A changed stat means rehash: same size, mtime forced back, new ctime.
  struct stat before;
  ASSERT_EQ(::stat((ctx + "/src/util.c").c_str(), &before), 0);
  write(ctx + "/src/util.c", "UTIL");
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (ctx + "/src/util.c").c_str(), times, 0), 0);
  wait_racy_window();
  BuildContext c = open();
  EXPECT_NE(c.digest_of(c.select({"src"})).digest, first);
  EXPECT_EQ(c.files_read(), 1u);
}

// A file deleted from a directory that a later build walks whole loses its
// stat cache entry; entries of files outside that directory stay, and a
// COPY --exclude walk (not whole) prunes nothing.
TEST_F(ContextTest, RebuildPrunesStatCacheEntriesOfDeletedFiles) {
  write(ctx + "/src/gone.c", "gone");
  write(ctx + "/src/excluded.c", "x");
  wait_racy_window();
  std::string cache = StatCache::path_for(store, fs::canonical(ctx).string());
  {
    BuildContext c = open();
    c.digest_of(c.select({"foo.go"}));
    c.digest_of(c.select({"src"}));
    c.save_stat_cache();
  }
  EXPECT_EQ(StatCache(cache).size(), 5u);  // foo.go and src/{main,util,gone,excluded}.c
  fs::remove(ctx + "/src/gone.c");
  {
    BuildContext c = open();
    c.digest_of(c.select({"src"}, {"excluded.c"}));
    c.save_stat_cache();
  }
  EXPECT_EQ(StatCache(cache).size(), 5u) << "an --exclude walk is not whole: nothing pruned";
  {
    BuildContext c = open();
    c.digest_of(c.select({"src"}));
    EXPECT_EQ(c.files_read(), 0u);
    c.save_stat_cache();
  }
  StatCache after(cache);
  EXPECT_EQ(after.size(), 4u);
  struct stat st;
  ASSERT_EQ(::lstat((ctx + "/foo.go").c_str(), &st), 0);
  EXPECT_TRUE(after.lookup("foo.go", StatKey::of(st)));
}

TEST_F(ContextTest, RecentlyChangedFilesAreNotCached) {
  BuildContext c = open();
  c.digest_of(c.select({"src"}));
  c.digest_of(c.select({"src"}));
  EXPECT_EQ(c.files_read(), 4u);  // just written: inside the racy window
}

TEST_F(ContextTest, CorruptStatCacheStartsOver) {
  std::string path = StatCache::path_for(store, ctx);
  fs::create_directories(fs::path(path).parent_path());
  write(path, "ocbuild-statcache-v1\n12 0 0 1 33188 zz 3 foo\n");
  BuildContext c = open();
  EXPECT_EQ(c.digest_of(c.select({"foo.go"})).digest, digest({"foo.go"}));
  EXPECT_EQ(c.files_read(), 1u);
}

TEST_F(ContextTest, ExcludesAreRelativeToEachMatch) {
  BuildContext c = open();
  EXPECT_EQ(listing(c.select({"src"}, {"*.c"})), (std::vector<std::string>{"match:src", "=src"}));
  EXPECT_EQ(listing(c.select({"src/"}, {"util.c"})), (std::vector<std::string>{"match:src", "=src", "main.c=src/main.c"}));
  EXPECT_NE(digest({"src"}, {"util.c"}), digest({"src"}));
}

// The local-context part of BuildKit's testExcludedFilesOnCopy:
// `ADD --exclude=*.mp3 dir3/ /3/` keeps only file-302.mpeg.
TEST(ContextConformance, CopyAddExclude) {
  auto dir = testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  std::string ctx = *dir + "/behavior/copy-add-exclude/context";
  if (!fs::exists(ctx)) GTEST_SKIP() << ctx << " missing";
  BuildContext c(ctx, std::nullopt);
  EXPECT_EQ(listing(c.select({"dir3/"}, {"*.mp3"})),
            (std::vector<std::string>{"match:dir3", "=dir3", "file-302.mpeg=dir3/file-302.mpeg"}));
  Selection four = c.select({"dir*"}, {"*.mp3", "*.jpeg", "*.png", "*.pdf", "*.txt"});
  std::vector<std::string> files;
  for (const auto& m : four.matches) {
    for (const auto& e : m.entries) {
      if (e.type == EntryType::File) files.push_back(e.rel);
    }
  }
  EXPECT_EQ(files, (std::vector<std::string>{"file-302.mpeg"}));
}

// BuildKit's testCopySymlinks: a source symlink (named or matched) is
// followed through chains of links; the setup symlinks come from expect.json.
TEST(ContextConformance, CopySymlinkSources) {
  auto dir = testing::conformance_dir();
  if (!dir) GTEST_SKIP() << "conformance corpus not found";
  std::string src = *dir + "/behavior/copy-symlink-sources";
  if (!fs::exists(src + "/context")) GTEST_SKIP() << src << " missing";
  TempDir tmp("ocbuild-ctx-conf-");
  fs::copy(src + "/context", tmp.path() + "/context", fs::copy_options::recursive);
  const std::pair<const char*, const char*> links[] = {
      {"context/foo", "bar"}, {"context/sub/l0", "subfile"}, {"context/sub/l1", "second"}, {"context/sub/second", "baz"}};
  for (const auto& [path, target] : links) fs::create_symlink(target, tmp.path() + "/" + path);
  BuildContext c(tmp.path() + "/context", std::nullopt);
  EXPECT_EQ(listing(c.select({"foo"})), (std::vector<std::string>{"match:foo", "=bar"}));
  EXPECT_EQ(listing(c.select({"sub/l*"})), (std::vector<std::string>{"match:sub/l0", "=sub/subfile", "match:sub/l1",
                                                                      "=sub/baz", "match:sub/lfile", "=sub/lfile"}));
}

TEST(ContextTar, ExtractsAndRefusesEscapes) {
  if (!testing::have_program("tar")) GTEST_SKIP() << "tar not found";
  TempDir tmp("ocbuild-ctx-tar-");
  write(tmp.path() + "/src/app/main.c", "int main;");
  write(tmp.path() + "/src/app/Dockerfile", "FROM scratch\n");
  auto r = testing::run_command("tar -C " + tmp.path() + "/src/app -cf " + tmp.path() + "/ok.tar .");
  ASSERT_EQ(r.status, 0) << r.output;
  UniqueFd fd = open_readonly(tmp.path() + "/ok.tar");
  BuildContext c = BuildContext::from_tar(fd.get(), "Dockerfile", tmp.path() + "/store");
  std::string extracted = c.dir();
  EXPECT_EQ(listing(c.select({"main.c"})), (std::vector<std::string>{"match:main.c", "=main.c"}));
  { BuildContext gone = std::move(c); }
  EXPECT_FALSE(fs::exists(extracted));  // the temp dir goes with the context

  r = testing::run_command("cd " + tmp.path() + "/src && tar -P -cf " + tmp.path() +
                           "/bad.tar --transform='s|^app/main.c|../../escape|' app/main.c");
  ASSERT_EQ(r.status, 0) << r.output;
  UniqueFd bad = open_readonly(tmp.path() + "/bad.tar");
  try {
    BuildContext::from_tar(bad.get(), "Dockerfile", tmp.path() + "/store");
    FAIL() << "an entry escaping the context was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("escape"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.path() + "/escape"));
}

}  // namespace
}  // namespace ocbuild::solver
