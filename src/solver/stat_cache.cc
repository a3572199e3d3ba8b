// Stat cache file format (text, one entry per line):
//   ocbuild-statcache-v1
//   <size> <mtime ns> <ctime ns> <inode> <mode> <sha256 hex> <path length> <path>
// The path is last and length-prefixed, so any byte may appear in it. Any
// other first line, or a malformed line, means "start over" (empty cache).
#include "ocbuild/solver/stat_cache.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::solver {
namespace {

constexpr std::string_view kHeader = "ocbuild-statcache-v1\n";

int64_t ns_of(const struct timespec& ts) { return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec; }

// Parses one entry at `p`; returns the position after it or nullptr.
const char* parse_entry(const char* p, const char* end, std::string& path, StatKey& st, std::string& hex) {
  char* next = nullptr;
  long long v[5];
  for (long long& x : v) {
    x = std::strtoll(p, &next, 10);
    if (next == p || next >= end || *next != ' ') return nullptr;
    p = next + 1;
  }
  if (end - p < 66 || p[64] != ' ') return nullptr;
  hex.assign(p, 64);
  p += 65;
  unsigned long long len = std::strtoull(p, &next, 10);
  if (next == p || next >= end || *next != ' ' || uint64_t(end - next - 1) < len + 1) return nullptr;
  p = next + 1;
  path.assign(p, len);
  if (p[len] != '\n') return nullptr;
  st = {v[0], v[1], v[2], uint64_t(v[3]), uint32_t(v[4])};
  return p + len + 1;
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
  if (text.compare(0, kHeader.size(), kHeader) != 0) return;
  const char* p = text.data() + kHeader.size();
  const char* end = text.data() + text.size();
  std::string path, hex;
  StatKey st;
  entries_.reserve(size_t(std::count(p, end, '\n')));
  while (p < end) {
    p = parse_entry(p, end, path, st, hex);
    auto digest = p ? Digest::try_parse("sha256:" + hex) : std::nullopt;
    if (!digest) {
      entries_.clear();  // corrupt: start over
      return;
    }
    entries_[path] = {st, *digest};
  }
}

std::optional<Digest> StatCache::lookup(const std::string& rel_path, const StatKey& st) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(rel_path);
  if (it == entries_.end() || !(it->second.st == st)) return std::nullopt;
  return it->second.digest;
}

void StatCache::record(const std::string& rel_path, const StatKey& st, const Digest& digest) {
  std::lock_guard lock(mu_);
  entries_[rel_path] = {st, digest};
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
  out.reserve(entries_.size() * 140);
  char buf[160];
  for (const auto& [path, e] : entries_) {
    int n = std::snprintf(buf, sizeof buf, "%" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu32 " %s %zu ",
                          e.st.size, e.st.mtime_ns, e.st.ctime_ns, e.st.inode, e.st.mode, e.digest.hex().c_str(),
                          path.size());
    out.append(buf, size_t(n));
    out += path;
    out += '\n';
  }
  make_dirs(path_.substr(0, path_.rfind('/')));
  write_file_atomic(path_, out, 0600);
  dirty_ = false;
}

}  // namespace ocbuild::solver
