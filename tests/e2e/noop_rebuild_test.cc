// A rebuild with everything cached writes nothing to the store: no blob,
// tag, cache record, last-build record or stat cache is rewritten (each
// rewrite would cost an fsync). A cache hit only touches its record's mtime
// (the LRU order of `prune --keep-storage`), which keeps its inode.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>

#include "e2e/build_fixture.h"

namespace ocbuild::e2e {
namespace {

namespace fs = std::filesystem;

class NoopRebuild : public BuildSuite {};

struct Stamp {
  ino_t inode;
  off_t size;
  int64_t mtime_ns;  // 0 for cache records, whose mtime a hit renews
  bool operator==(const Stamp&) const = default;
};

// Every regular file of the store: a rewrite (temp file + rename) gives a
// new inode, an in-place write a new size or mtime.
std::map<std::string, Stamp> files_of(const std::string& root) {
  std::map<std::string, Stamp> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) != 0) continue;
    bool record = e.path().string().find("/cache/records/") != std::string::npos;
    int64_t mtime = record ? 0 : int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out[e.path().string()] = {st.st_ino, st.st_size, mtime};
  }
  return out;
}

void expect_noop_rebuild(const std::string& example, const std::string& tag,
                         const testing::CommandResult& first, const std::string& store,
                         const std::function<testing::CommandResult()>& rebuild) {
  ASSERT_EQ(first.status, 0) << first.output;
  auto before = files_of(store);
  auto again = rebuild();
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output.find("cache miss"), std::string::npos) << again.output;
  auto after = files_of(store);
  for (const auto& [path, stamp] : after) {
    auto it = before.find(path);
    if (it == before.end()) ADD_FAILURE() << example << " (" << tag << "): no-op rebuild wrote " << path;
    else EXPECT_TRUE(it->second == stamp) << example << ": no-op rebuild rewrote " << path;
  }
  EXPECT_EQ(after.size(), before.size()) << example << ": files removed by a no-op rebuild";
}

TEST_F(NoopRebuild, WritesNothing) {
  for (const std::string example : {"hello", "multi-stage"}) {
    std::string ctx = testing::source_dir() + "/examples/" + example;
    std::string args = "build --progress plain -t noop-" + example + ":1 " + ctx;
    auto first = ocb(args);
    // A second build first: the stat cache entries of freshly checked-out
    // files may still be racy (re-hashed, then recorded) on the first rebuild.
    ocb(args);
    ::sleep(1);
    ocb(args);
    expect_noop_rebuild(example, "noop-" + example, first, store(), [&] { return ocb(args); });
  }
}

}  // namespace
}  // namespace ocbuild::e2e
