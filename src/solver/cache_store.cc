#include "ocbuild/solver/cache_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <string_view>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild::solver {
namespace {

std::optional<std::string> read_if_present(const std::string& path) {
  try {
    return read_file(path);
  } catch (const Error&) {
    return std::nullopt;  // absent or unreadable: a miss
  }
}

constexpr std::string_view kSummaryTag = "ocbuild-last-build-summary ";

std::string summary_line(const Digest& summary) {
  return std::string(kSummaryTag) + summary.hex();
}

// The first `n` bytes of a file ("" when absent or unreadable).
std::string read_head(const std::string& path, size_t n) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  std::string out(n, '\0');
  ssize_t got = read_retry(fd.get(), out.data(), n);
  out.resize(got > 0 ? size_t(got) : 0);
  return out;
}

void write_record(const std::string& path, const std::string& text) {
  make_dirs(path.substr(0, path.rfind('/')));
  // AtomicFile's temp name is unique per writer, so two processes writing
  // the same record both succeed and the rename leaves one whole record.
  write_file_atomic(path, text);
}

}  // namespace

Digest LastBuild::summary() const {
  Hasher h;
  h.field("last-build-summary", "ocbuild-last-build-summary-v1");
  for (const auto& step : steps) {
    h.field("slot", step.slot);
    h.field("name", step.name);
    h.field("key", step.key.str());
    for (const auto& f : step.fields) h.field(f.name, f.value);
  }
  return h.finish();
}

Digest BuildId::digest() const {
  Hasher h;
  h.field("build-id", "ocbuild-build-id-v1");
  h.field("context", context_dir);
  h.field("dockerfile", dockerfile);
  h.field("target", target);
  return h.finish();
}

DiskCacheStore::DiskCacheStore(std::string store_root, BlobExists blob_exists)
    : dir_(std::move(store_root) + "/cache"), blob_exists_(std::move(blob_exists)) {}

std::string DiskCacheStore::record_path(const Digest& key) const {
  return dir_ + "/records/" + key.hex().substr(0, 2) + "/" + key.hex() + ".json";
}

std::string DiskCacheStore::last_build_path(const BuildId& id) const {
  return dir_ + "/builds/" + id.digest().hex() + ".json";
}

std::optional<CacheResult> DiskCacheStore::lookup(const Digest& key) {
  auto text = read_if_present(record_path(key));
  if (!text) return std::nullopt;
  auto result = decode_result(key, *text);
  if (!result) return std::nullopt;
  if (result->layer && !(blob_exists_ && blob_exists_(result->layer->blob.digest))) return std::nullopt;
  // A hit renews the record: `prune --keep-storage` removes the least
  // recently used first (by this mtime). Best effort: a read-only store hits too.
  (void)::utimensat(AT_FDCWD, record_path(key).c_str(), nullptr, 0);
  return result;
}

void DiskCacheStore::store(const Digest& key, const CacheResult& result) {
  write_record(record_path(key), encode_result(key, result));
}

std::optional<LastBuild> DiskCacheStore::last_build(const BuildId& id) {
  auto text = read_if_present(last_build_path(id));
  if (!text) return std::nullopt;
  size_t eol = text->find('\n');
  if (eol != kSummaryTag.size() + 64 || !text->starts_with(kSummaryTag))
    return std::nullopt;  // not written by this version: start over
  return decode_last_build(text->substr(eol + 1));
}

void DiskCacheStore::save_last_build(const BuildId& id, const LastBuild& build) {
  std::string path = last_build_path(id), head = summary_line(build.summary());
  if (read_head(path, head.size() + 1) == head + "\n") return;  // the same build again: nothing to write
  write_record(path, head + "\n" + encode_last_build(build));
}

std::optional<CacheResult> MemoryCacheStore::lookup(const Digest& key) {
  std::lock_guard lock(mu_);
  auto it = results_.find(key);
  if (it == results_.end()) return std::nullopt;
  return it->second;
}

void MemoryCacheStore::store(const Digest& key, const CacheResult& result) {
  std::lock_guard lock(mu_);
  results_[key] = result;
}

std::optional<LastBuild> MemoryCacheStore::last_build(const BuildId& id) {
  std::lock_guard lock(mu_);
  auto it = builds_.find(id.digest());
  if (it == builds_.end()) return std::nullopt;
  return it->second;
}

void MemoryCacheStore::save_last_build(const BuildId& id, const LastBuild& build) {
  std::lock_guard lock(mu_);
  builds_[id.digest()] = build;
}

}  // namespace ocbuild::solver
