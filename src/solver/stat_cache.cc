// The stat cache: the stored records (format v3, see stat_cache_file.cc)
// read in place, plus this build's overlay; save() merges the two.
#include "ocbuild/solver/stat_cache.h"

#include <algorithm>
#include <cstring>

#include "stat_cache_file.h"

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::solver {
namespace {

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

bool under(std::string_view dir, std::string_view path) {
  return dir.empty() || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

}  // namespace

StatKey StatKey::of(const struct stat& st) {
  return {int64_t(st.st_size), ns_of(st.st_mtim), ns_of(st.st_ctim), uint64_t(st.st_ino), uint32_t(st.st_mode)};
}

StatCache::StatCache() : file_(std::make_unique<detail::StatCacheFile>()) {}

StatCache::StatCache(std::string path)
    : path_(std::move(path)), file_(std::make_unique<detail::StatCacheFile>(detail::StatCacheFile::map(path_))) {
  if (file_->count()) seen_ = std::make_unique<std::atomic<unsigned char>[]>(file_->count());
}

StatCache::~StatCache() = default;

std::string StatCache::path_for(const std::string& store_root, const std::string& context_dir) {
  Hasher h;
  h.field("statcache-context", context_dir);
  return store_root + "/cache/statcache-" + h.finish().hex().substr(0, 32);
}

std::optional<Digest> StatCache::lookup(const std::string& rel_path, const StatKey& st) const {
  std::shared_lock lock(mu_);
  if (auto it = overlay_.find(rel_path); it != overlay_.end()) {  // newer than the stored one
    if (!(it->second.st == st)) return std::nullopt;
    return digest_of_raw(it->second.sha256);
  }
  auto stored = file_->find(rel_path);  // checked: a damaged record is a miss
  if (!stored) return std::nullopt;
  seen_[stored->index].store(1, std::memory_order_relaxed);
  if (!(stored->record.st == st)) return std::nullopt;
  return digest_of_raw(stored->record.sha256);
}

void StatCache::record(const std::string& rel_path, const StatKey& st, const Digest& digest) {
  std::lock_guard lock(mu_);
  overlay_.insert_or_assign(rel_path, detail::StatRecord{st, raw_of(digest)});
  dirty_ = true;
}

void StatCache::listed(const std::string& context_dir) {
  std::lock_guard lock(mu_);
  if (std::find(listed_.begin(), listed_.end(), context_dir) == listed_.end()) listed_.push_back(context_dir);
}

size_t StatCache::size() const {
  std::shared_lock lock(mu_);
  size_t n = file_->count();
  for (const auto& [path, e] : overlay_) n += !file_->find(path);
  return n;
}

bool StatCache::pruned(size_t i, std::string_view path) const {
  if (seen_[i].load(std::memory_order_relaxed)) return false;
  for (const auto& dir : listed_)
    if (under(dir, path)) return true;
  return false;
}

// Only the stored records under the listed directories are visited: the
// ones this build walked anyway.
bool StatCache::prunes_something() const {
  for (const auto& dir : listed_) {
    std::string prefix = dir.empty() ? "" : dir + "/";
    for (size_t i = file_->lower_bound(prefix); i < file_->count(); ++i) {
      std::string_view p = file_->path(i);
      if (p.compare(0, prefix.size(), prefix) != 0) break;
      if (!seen_[i].load(std::memory_order_relaxed)) return true;
    }
  }
  return false;
}

void StatCache::save() {
  std::lock_guard lock(mu_);
  if (path_.empty() || (!dirty_ && !prunes_something())) return;
  // Merge the sorted stored records (damaged, out of order or pruned ones
  // dropped) with the sorted overlay, which wins on equal paths.
  std::vector<std::pair<std::string_view, detail::StatRecord>> merged;
  merged.reserve(file_->count() + overlay_.size());
  auto next = overlay_.begin();
  auto take_overlay_below = [&](std::string_view bound, bool all) {
    for (; next != overlay_.end() && (all || std::string_view(next->first) < bound); ++next)
      merged.emplace_back(next->first, next->second);
  };
  std::string_view last;
  for (size_t i = 0; i < file_->count(); ++i) {
    std::string_view p = file_->path(i);
    auto stored = file_->record(i);
    if (!stored || (i && p <= last) || pruned(i, p)) continue;
    last = p;
    take_overlay_below(p, false);
    if (next != overlay_.end() && next->first == p) continue;  // replaced, added next round
    merged.emplace_back(p, *stored);
  }
  take_overlay_below({}, true);
  std::string bytes = detail::encode_stat_cache(merged);
  make_dirs(path_.substr(0, path_.rfind('/')));
  write_file_atomic(path_, bytes, 0600);
  *file_ = detail::StatCacheFile::own(std::move(bytes));
  seen_ = file_->count() ? std::make_unique<std::atomic<unsigned char>[]>(file_->count()) : nullptr;
  overlay_.clear();
  listed_.clear();
  dirty_ = false;
}

}  // namespace ocbuild::solver
