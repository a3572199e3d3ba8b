#pragma once
// The persistent stat cache: a file's content hash is reused as long as its
// lstat (size, mtime ns, ctime ns, inode, mode) is unchanged, so an
// unchanged context file is never read twice across builds. One file per
// context directory: <store root>/cache/statcache-<hash of context path>.
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::solver {

struct StatKey {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint32_t mode = 0;
  static StatKey of(const struct stat& st);
  friend bool operator==(const StatKey&, const StatKey&) = default;
};

// The racy-git rule: a file whose mtime or ctime is within the clock's
// granularity of `hashed_at_ns` (100 ms) or in the same second (file systems
// with 1 s timestamps) could change again without its stat changing: its
// digest is used for this build but never cached.
bool racy_entry(const StatKey& st, int64_t hashed_at_ns);

namespace detail {
class StatCacheFile;
// One entry, stored or recorded in this build.
struct StatRecord {
  StatKey st;
  std::array<unsigned char, 32> sha256{};  // raw, hex only on a hit
};
}  // namespace detail

// Thread safe. The constructor maps the file (absent, damaged header or
// another version: empty cache) without reading its entries: lookup()
// binary-searches the stored records and checks only the one it uses (a
// damaged record is a miss, never a wrong digest). Entries recorded in this
// build live in a small overlay, checked first; save() merges them with the
// stored records into a new file, written atomically, if anything changed.
// Entries are recorded only for files whose timestamps are safely in the
// past (FileHasher: not within the current second nor the clock's
// granularity), so a later change that keeps size and times equal cannot
// happen unseen.
//
// Pruning: listed(dir) says this build's walk saw every file under the
// context directory `dir` ("" is the whole context), recursively, and looked
// each one up. save() then drops the stored entries under `dir` that were
// neither looked up nor recorded in this build: deleted files (or files now
// ignored, or no longer regular). Entries elsewhere are kept untouched, so a
// build that lists nothing costs nothing more. Dropping an entry can only
// cost a re-hash later, never a wrong digest.
class StatCache {
 public:
  StatCache();  // in memory only: save() does nothing
  explicit StatCache(std::string path);
  ~StatCache();
  StatCache(const StatCache&) = delete;
  StatCache& operator=(const StatCache&) = delete;
  static std::string path_for(const std::string& store_root, const std::string& context_dir);

  std::optional<Digest> lookup(const std::string& rel_path, const StatKey& st) const;
  void record(const std::string& rel_path, const StatKey& st, const Digest& digest);
  void listed(const std::string& context_dir);
  void save();
  // Entries stored or recorded (the stored ones counted without checking them).
  size_t size() const;

 private:
  bool prunes_something() const;  // with mu_ held
  bool pruned(size_t stored_index, std::string_view path) const;
  std::string path_;
  mutable std::shared_mutex mu_;  // lookups share it
  std::unique_ptr<detail::StatCacheFile> file_;  // the stored records, sorted by path
  // Per stored record: looked up in this build (set under the shared lock).
  std::unique_ptr<std::atomic<unsigned char>[]> seen_;
  std::map<std::string, detail::StatRecord, std::less<>> overlay_;  // recorded in this build
  std::vector<std::string> listed_;  // context directories walked completely
  bool dirty_ = false;
};

// Hashes regular files of a directory through a StatCache, in parallel.
// `reads()` counts the files actually opened (tests check cache hits).
class FileHasher {
 public:
  FileHasher(std::string root, StatCache& cache, unsigned threads = 0);
  // Content digests of the regular files `rel_paths` (lstat taken now);
  // throws Error(Io) naming a file that cannot be read.
  std::vector<Digest> hash(const std::vector<std::string>& rel_paths);
  // The same with lstat results the caller already has.
  std::vector<Digest> hash(const std::vector<std::string>& rel_paths, const std::vector<struct stat>& stats);
  size_t reads() const { return reads_.load(); }

 private:
  Digest hash_one(const std::string& rel, const struct stat& st);
  std::string root_;
  StatCache& cache_;
  unsigned threads_;
  std::atomic<size_t> reads_{0};
};

}  // namespace ocbuild::solver
