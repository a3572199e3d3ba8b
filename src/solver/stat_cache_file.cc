// Stat cache file format v3 (binary, host byte order: the file never leaves
// the machine that wrote it):
//   header, 64 bytes: magic "ocbuild-scache\n\0", uint32 version 3,
//     uint32 record size 88, uint64 record count, uint64 records offset (64),
//     uint64 strings offset, uint64 strings length, uint32 crc32 of the
//     header bytes before it, uint32 zero
//   records, 88 bytes each, sorted by path (bytewise, as std::string sorts):
//     uint64 path offset and uint32 path length (in the strings area),
//     uint32 mode, int64 size, int64 mtime ns, int64 ctime ns, uint64 inode,
//     32 bytes raw SHA-256, uint32 crc32 of the 80 bytes before it followed by
//     the path bytes, uint32 zero
//   strings: the path bytes, back to back; the file ends there.
// A wrong magic, another version or bounds that do not add up mean an empty
// cache. A record whose crc does not match is a miss (the file is hashed
// again and the record replaced): a flipped bit never becomes a wrong digest.
#include "stat_cache_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cstddef>
#include <cstring>
#include <utility>

#include "ocbuild/core/unique_fd.h"

namespace ocbuild::solver::detail {
namespace {

constexpr char kMagic[16] = {'o', 'c', 'b', 'u', 'i', 'l', 'd', '-', 's', 'c', 'a', 'c', 'h', 'e', '\n', '\0'};
constexpr uint32_t kVersion = 3;

struct RawHeader {
  char magic[16];
  uint32_t version, record_size;
  uint64_t count, records_off, strings_off, strings_len;
  uint32_t crc, zero;
};
static_assert(sizeof(RawHeader) == 64, "no padding in the stored header");

struct RawRecord {
  uint64_t path_off;
  uint32_t path_len, mode;
  int64_t size, mtime_ns, ctime_ns;
  uint64_t inode;
  unsigned char sha256[32];
  uint32_t crc, zero;
};
static_assert(sizeof(RawRecord) == 88, "no padding in the stored record");
constexpr size_t kCheckedBytes = offsetof(RawRecord, crc);

uint32_t crc_of(const void* fields, size_t n, std::string_view path) {
  uLong c = ::crc32(0L, static_cast<const Bytef*>(fields), uInt(n));
  return uint32_t(::crc32(c, reinterpret_cast<const Bytef*>(path.data()), uInt(path.size())));
}

}  // namespace

StatCacheFile StatCacheFile::map(const std::string& path) {
  StatCacheFile f;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || size_t(st.st_size) < sizeof(RawHeader)) return f;
  void* p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return f;
  f.mapped_ = p;
  f.size_ = size_t(st.st_size);
  f.validate();
  return f;
}

StatCacheFile StatCacheFile::own(std::string bytes) {
  StatCacheFile f;
  f.owned_ = std::move(bytes);
  f.size_ = f.owned_.size();
  f.validate();
  return f;
}

StatCacheFile::~StatCacheFile() { unmap(); }

StatCacheFile::StatCacheFile(StatCacheFile&& o) noexcept { *this = std::move(o); }

StatCacheFile& StatCacheFile::operator=(StatCacheFile&& o) noexcept {
  if (this == &o) return *this;
  unmap();
  mapped_ = std::exchange(o.mapped_, nullptr);
  owned_ = std::move(o.owned_);
  size_ = std::exchange(o.size_, 0);
  count_ = std::exchange(o.count_, 0);
  records_off_ = o.records_off_, strings_off_ = o.strings_off_, strings_len_ = o.strings_len_;
  return *this;
}

void StatCacheFile::unmap() {
  if (mapped_) ::munmap(mapped_, size_);
  mapped_ = nullptr;
}

void StatCacheFile::validate() {
  count_ = 0;
  if (size_ < sizeof(RawHeader)) return;
  RawHeader h;
  std::memcpy(&h, data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kVersion ||
      h.record_size != sizeof(RawRecord) || h.crc != crc_of(&h, offsetof(RawHeader, crc), {}))
    return;
  if (h.records_off != sizeof(RawHeader) || h.count > (size_ - sizeof(RawHeader)) / sizeof(RawRecord) ||
      h.strings_off != h.records_off + h.count * sizeof(RawRecord) || h.strings_off > size_ ||
      h.strings_len != size_ - h.strings_off)
    return;
  records_off_ = h.records_off, strings_off_ = h.strings_off, strings_len_ = h.strings_len;
  count_ = h.count;
}

std::string_view StatCacheFile::path(size_t i) const {
  uint64_t off;
  uint32_t len;
  const char* r = data() + records_off_ + i * sizeof(RawRecord);
  std::memcpy(&off, r + offsetof(RawRecord, path_off), sizeof off);
  std::memcpy(&len, r + offsetof(RawRecord, path_len), sizeof len);
  if (off > strings_len_ || len > strings_len_ - off) return {};
  return {data() + strings_off_ + off, len};
}

size_t StatCacheFile::lower_bound(std::string_view p) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (path(mid) < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// lower_bound() trusts every record it probes: a damaged path could send it
// the wrong way. Its answer stands when both records around it check out
// (the intact records are sorted, so an intact record with this path lies
// between them); otherwise search again over the intact records only.
std::optional<StatCacheFile::Found> StatCacheFile::find(std::string_view p) const {
  if (p.empty()) return std::nullopt;
  size_t i = lower_bound(p);
  auto at = i < count_ ? record(i) : std::nullopt;
  if ((i == count_ || at) && (i == 0 || record(i - 1))) {
    if (at && path(i) == p) return Found{i, *at};
    return std::nullopt;
  }
  for (i = intact_lower_bound(p); i < count_; ++i) {
    if (auto r = record(i)) {
      if (path(i) == p) return Found{i, *r};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

size_t StatCacheFile::intact_lower_bound(std::string_view p) const {
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2, j = mid;
    while (j < hi && !record(j)) ++j;  // the first intact record from mid
    if (j < hi && path(j) < p) lo = j + 1;
    else hi = mid;
  }
  return lo;
}

std::optional<StatRecord> StatCacheFile::record(size_t i) const {
  if (i >= count_) return std::nullopt;
  RawRecord raw;
  std::memcpy(&raw, data() + records_off_ + i * sizeof(RawRecord), sizeof raw);
  std::string_view p = path(i);
  if (p.size() != raw.path_len || raw.crc != crc_of(&raw, kCheckedBytes, p)) return std::nullopt;
  StatRecord out{{raw.size, raw.mtime_ns, raw.ctime_ns, raw.inode, raw.mode}, {}};
  std::memcpy(out.sha256.data(), raw.sha256, 32);
  return out;
}

std::string encode_stat_cache(const std::vector<std::pair<std::string_view, StatRecord>>& entries) {
  size_t strings_len = 0;
  for (const auto& [p, r] : entries) strings_len += p.size();
  RawHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.record_size = sizeof(RawRecord);
  h.count = entries.size();
  h.records_off = sizeof(RawHeader);
  h.strings_off = h.records_off + entries.size() * sizeof(RawRecord);
  h.strings_len = strings_len;
  h.crc = crc_of(&h, offsetof(RawHeader, crc), {});
  std::string out(h.strings_off + strings_len, '\0');
  std::memcpy(out.data(), &h, sizeof h);
  uint64_t off = 0;
  char* rec = out.data() + h.records_off;
  for (const auto& [p, r] : entries) {
    RawRecord raw{off, uint32_t(p.size()), r.st.mode, r.st.size, r.st.mtime_ns, r.st.ctime_ns, r.st.inode, {}, 0, 0};
    std::memcpy(raw.sha256, r.sha256.data(), 32);
    raw.crc = crc_of(&raw, kCheckedBytes, p);
    std::memcpy(rec, &raw, sizeof raw);
    rec += sizeof raw;
    std::memcpy(out.data() + h.strings_off + off, p.data(), p.size());
    off += p.size();
  }
  return out;
}

}  // namespace ocbuild::solver::detail
