#pragma once
// The stat cache file, format v3: read in place (mmap), never parsed into a
// table, so a build pays for the entries it looks up, not for the whole
// cache. The layout is documented at the top of stat_cache_file.cc.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/solver/stat_cache.h"

namespace ocbuild::solver::detail {

// An immutable view of one v3 file: the bytes are either mapped (the file
// opened at load; a later rename over it leaves this mapping alone) or owned
// (the bytes save() just wrote). An absent, foreign, older or damaged file
// (header, version or bounds) is an empty view. Thread safe (read only).
class StatCacheFile {
 public:
  StatCacheFile() = default;  // empty
  static StatCacheFile map(const std::string& path);
  static StatCacheFile own(std::string bytes);
  ~StatCacheFile();
  StatCacheFile(StatCacheFile&&) noexcept;
  StatCacheFile& operator=(StatCacheFile&&) noexcept;

  size_t count() const { return count_; }
  // The record with this path whose check holds, and its index (binary
  // search: only the records probed and the two around the answer are
  // checked; damaged records fall back to a search that checks each probe).
  struct Found {
    size_t index;
    StatRecord record;
  };
  std::optional<Found> find(std::string_view path) const;
  // First index whose path is >= `path` (count() if none).
  size_t lower_bound(std::string_view path) const;
  // The path of record i, empty if its bounds are bad (then record() fails too).
  std::string_view path(size_t i) const;
  // Record i if its check (crc32 over its fields and path) holds.
  std::optional<StatRecord> record(size_t i) const;

 private:
  size_t intact_lower_bound(std::string_view path) const;  // skipping damaged records
  void validate();
  void unmap();
  const char* data() const { return mapped_ ? static_cast<const char*>(mapped_) : owned_.data(); }
  void* mapped_ = nullptr;  // munmap(mapped_, size_) on destruction
  std::string owned_;
  size_t size_ = 0;
  // Offsets, not pointers: a moved std::string may move its bytes.
  size_t count_ = 0, records_off_ = 0, strings_off_ = 0, strings_len_ = 0;
};

// The bytes of a v3 file holding `entries`, which must be sorted by path
// with no duplicates.
std::string encode_stat_cache(const std::vector<std::pair<std::string_view, StatRecord>>& entries);

}  // namespace ocbuild::solver::detail
