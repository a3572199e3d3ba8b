// Stat cache file format v2 (binary, host byte order: the file never leaves
// the machine that wrote it):
//   "ocbuild-statcache-v2\n"
//   per entry: int64 size, int64 mtime ns, int64 ctime ns, uint64 inode,
//              uint32 mode, uint32 path length, 32 bytes SHA-256, path bytes
//   32 bytes: SHA-256 of everything before it
// A wrong header, a short or overlong file or a bad checksum means "start
// over" (empty cache): a flipped bit must never turn into a wrong digest.
#include "ocbuild/solver/stat_cache.h"

#include <cstring>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::solver {
namespace {

constexpr std::string_view kHeader = "ocbuild-statcache-v2\n";

struct RawEntry {  // the fixed part of an entry, as stored
  int64_t size, mtime_ns, ctime_ns;
  uint64_t inode;
  uint32_t mode, path_len;
  unsigned char sha256[32];
};
static_assert(sizeof(RawEntry) == 72, "no padding in the stored entry");

int64_t ns_of(const struct timespec& ts) { return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec; }

std::array<unsigned char, 32> raw_of(const Digest& d) {
  std::array<unsigned char, 32> out{};
  const std::string& hex = d.hex();
  auto nibble = [](char c) { return static_cast<unsigned char>(c <= '9' ? c - '0' : c - 'a' + 10); };
  for (size_t i = 0; i < 32 && hex.size() == 64; ++i)
    out[i] = static_cast<unsigned char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

Digest digest_of_raw(const std::array<unsigned char, 32>& raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(64, '0');
  for (size_t i = 0; i < 32; ++i) hex[2 * i] = kHex[raw[i] >> 4], hex[2 * i + 1] = kHex[raw[i] & 15];
  return Digest::from_hex(hex);
}

Digest checksum(std::string_view bytes) {
  Hasher h;
  h.update(bytes);
  return h.finish();
}

}  // namespace

StatKey StatKey::of(const struct stat& st) {
  return {int64_t(st.st_size), ns_of(st.st_mtim), ns_of(st.st_ctim), uint64_t(st.st_ino), uint32_t(st.st_mode)};
}

StatCache::StatCache(std::string path) : path_(std::move(path)) { load(); }

std::string StatCache::path_for(const std::string& store_root, const std::string& context_dir) {
  Hasher h;
  h.field("statcache-context", context_dir);
  return store_root + "/cache/statcache-" + h.finish().hex().substr(0, 32);
}

void StatCache::load() {
  std::string text;
  try {
    text = read_file(path_);
  } catch (const Error&) {
    return;  // no cache yet
  }
  if (text.size() < kHeader.size() + 32 || text.compare(0, kHeader.size(), kHeader) != 0) return;
  std::string_view body(text.data(), text.size() - 32);
  if (std::memcmp(raw_of(checksum(body)).data(), text.data() + body.size(), 32) != 0) return;  // corrupt
  const char* p = body.data() + kHeader.size();
  const char* end = body.data() + body.size();
  std::unordered_map<std::string, Entry> entries;
  while (p < end) {
    RawEntry raw;
    if (size_t(end - p) < sizeof raw) return;
    std::memcpy(&raw, p, sizeof raw);
    p += sizeof raw;
    if (size_t(end - p) < raw.path_len) return;
    Entry e{{raw.size, raw.mtime_ns, raw.ctime_ns, raw.inode, raw.mode}, {}};
    std::memcpy(e.sha256.data(), raw.sha256, 32);
    entries.emplace(std::string(p, raw.path_len), e);
    p += raw.path_len;
  }
  entries_ = std::move(entries);
}

std::optional<Digest> StatCache::lookup(const std::string& rel_path, const StatKey& st) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(rel_path);
  if (it == entries_.end() || !(it->second.st == st)) return std::nullopt;
  return digest_of_raw(it->second.sha256);
}

void StatCache::record(const std::string& rel_path, const StatKey& st, const Digest& digest) {
  std::lock_guard lock(mu_);
  entries_[rel_path] = {st, raw_of(digest)};
  dirty_ = true;
}

size_t StatCache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

void StatCache::save() {
  std::lock_guard lock(mu_);
  if (path_.empty() || !dirty_) return;
  std::string out(kHeader);
  size_t bytes = out.size() + 32;
  for (const auto& [path, e] : entries_) bytes += sizeof(RawEntry) + path.size();
  out.reserve(bytes);
  for (const auto& [path, e] : entries_) {
    RawEntry raw{e.st.size, e.st.mtime_ns, e.st.ctime_ns, e.st.inode, e.st.mode, uint32_t(path.size()), {}};
    std::memcpy(raw.sha256, e.sha256.data(), 32);
    out.append(reinterpret_cast<const char*>(&raw), sizeof raw);
    out += path;
  }
  auto sum = raw_of(checksum(out));
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  make_dirs(path_.substr(0, path_.rfind('/')));
  write_file_atomic(path_, out, 0600);
  dirty_ = false;
}

}  // namespace ocbuild::solver
