// prune --keep-storage and the snapshot GC. All of it runs holding gc.lock
// exclusively (no build can lease anything meanwhile; what running builds
// leased is kept, lease.h) and index.lock (no tag moves meanwhile). What a tag needs: the blobs reachable
// from it and the snapshot chains of its (host platform) image. What a cache
// record needs: its layer blob and the snapshots whose top layer is that
// layer, with their parents.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/core/lease.h"
#include "ocbuild/snapshot/cache_mounts.h"
#include "ocbuild/snapshot/chain_id.h"
#include "ocbuild/snapshot/snapshot_gc.h"
#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/store_prune.h"
#include "solver/store_walk.h"

namespace ocbuild::solver {
namespace {

namespace fs = std::filesystem;

struct Record {
  std::string path;
  int64_t used_ns = 0;  // mtime: when written or last hit
  std::optional<Digest> blob, diff_id;
};

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

class Collector {
 public:
  Collector(ContentStore& store, PruneResult& result) : store_(store), root_(store.root()), r_(result) {}

  void load() {
    leases_ = read_leases(root_);
    tagged_blobs_.insert(leases_.blobs.begin(), leases_.blobs.end());
    load_tags();
    load_records();
    snapshots_ = snapshot::list_snapshots(root_);
  }

  // Snapshots and blobs nothing needs, and (when no build runs: theirs are
  // in the same dirs) dead builds' leftovers.
  void collect_unneeded() {
    collect_snapshots();
    collect_blobs();
    if (leases_.live == 0)
      for (const auto& dir : snapshot::snapshot_leftovers(root_)) remove_snapshot(dir);
  }

  // Least recently used records first, with what only they needed.
  void evict_until(uint64_t keep) {
    uint64_t total = store_usage(store_).total();
    for (auto& rec : records_) {
      if (total <= keep) return;
      uint64_t before = freed();
      remove_counted(rec.path, r_.records);
      if (rec.blob) --blob_refs_[*rec.blob];
      if (rec.diff_id) --diff_refs_[*rec.diff_id];
      collect_unneeded();
      total -= std::min(total, freed() - before);
    }
    if (total <= keep) return;
    snapshot::CacheMounts mounts(root_);
    size_t count = mounts.list().size();
    r_.cache_mounts.bytes += mounts.prune();
    r_.cache_mounts.count += count - mounts.list().size();
  }

 private:
  uint64_t freed() const { return r_.records.bytes + r_.snapshots.bytes + r_.blobs.bytes_removed + r_.cache_mounts.bytes; }

  void load_tags() {
    for (const auto& tag : store_.list_tags()) {
      for (const auto& d : store_.reachable_from(tag.descriptor)) tagged_blobs_.insert(d.hex());
      try {
        StoredImage image = read_image(store_, select_manifest(store_, tag.descriptor));
        std::optional<Digest> chain;
        for (const auto& diff_id : parse_image_config(image.config_bytes).rootfs.diff_ids) {
          chain = snapshot::chain_id_next(chain ? &*chain : nullptr, diff_id);
          tagged_chains_.insert(*chain);
        }
      } catch (const Error&) {
        // Another platform only, or blobs missing: no snapshot of ours to keep.
      }
    }
  }

  // Live result records, oldest use first; stale ones are removed now.
  void load_records() {
    for (const auto& sub : children(root_ + "/cache/records")) {
      for (const auto& path : children(sub)) {
        std::optional<CacheResult> result = read_record(path);
        bool leased = leases_.records.count(fs::path(path).stem().string()) > 0;
        if (!leased && (!result || (result->layer && !store_.has(result->layer->blob.digest)))) {
          remove_counted(path, r_.records);
          continue;
        }
        Record rec{path, mtime_ns(path), std::nullopt, std::nullopt};
        if (result->layer) {
          rec.blob = result->layer->blob.digest, rec.diff_id = result->layer->diff_id;
          ++blob_refs_[*rec.blob], ++diff_refs_[*rec.diff_id];
        }
        records_.push_back(std::move(rec));
      }
    }
    // Last-build records (for --explain) need nothing and go by age too.
    for (const auto& path : children(root_ + "/cache/builds")) records_.push_back(Record{path, mtime_ns(path), {}, {}});
    std::sort(records_.begin(), records_.end(),
              [](const Record& a, const Record& b) { return std::tie(a.used_ns, a.path) < std::tie(b.used_ns, b.path); });
  }

  std::set<Digest> needed_chains() const {
    std::map<Digest, Digest> parent_of;
    for (const auto& s : snapshots_)
      if (s.chain_id && s.parent) parent_of[*s.chain_id] = *s.parent;
    std::set<Digest> needed = leased_chains(snapshots_, leases_);
    needed.insert(tagged_chains_.begin(), tagged_chains_.end());
    for (const auto& s : snapshots_) {
      auto it = s.diff_id ? diff_refs_.find(*s.diff_id) : diff_refs_.end();
      if (s.chain_id && it != diff_refs_.end() && it->second > 0) needed.insert(*s.chain_id);
    }
    for (Digest chain : std::vector<Digest>(needed.begin(), needed.end()))
      for (auto p = parent_of.find(chain); p != parent_of.end(); p = parent_of.find(p->second))
        if (!needed.insert(p->second).second) break;
    return needed;
  }

  void collect_snapshots() {
    std::set<Digest> needed = needed_chains();
    std::vector<snapshot::SnapshotInfo> kept;
    for (auto& s : snapshots_) {
      if (s.chain_id && needed.count(*s.chain_id)) kept.push_back(std::move(s));
      else remove_snapshot(s.dir);
    }
    snapshots_ = std::move(kept);
  }

  void collect_blobs() {
    for (const auto& path : children(root_ + "/blobs/sha256")) {
      std::string hex = fs::path(path).filename().string();
      if (tagged_blobs_.count(hex)) continue;
      auto refs = blob_refs_.find(Digest::parse("sha256:" + hex));
      if (refs != blob_refs_.end() && refs->second > 0) continue;
      PartUsage removed;
      remove_counted(path, removed);
      r_.blobs.blobs_removed += removed.count;
      r_.blobs.bytes_removed += static_cast<int64_t>(removed.bytes);
    }
  }

  void remove_snapshot(const std::string& dir) {
    Inodes seen;
    uint64_t bytes = tree_bytes(dir, seen);
    snapshot::remove_snapshot_dir(root_, dir);
    ++r_.snapshots.count;
    r_.snapshots.bytes += bytes;
  }

  ContentStore& store_;
  std::string root_;
  PruneResult& r_;
  LeasedItems leases_;
  std::set<std::string> tagged_blobs_;
  std::set<Digest> tagged_chains_;
  std::vector<Record> records_;
  std::map<Digest, int> blob_refs_, diff_refs_;
  std::vector<snapshot::SnapshotInfo> snapshots_;
};

}  // namespace

PruneResult prune_store_to(ContentStore& store, uint64_t keep_bytes) {
  PruneResult r;
  auto no_builds = lock_for_collection(store.root());
  if (!no_builds) {
    r.busy = true;
    r.blobs.deferred = true;
    prune_stale_records(store, r.records);
    return r;
  }
  FileLock index(store.root() + "/index.lock");
  Collector c(store, r);
  c.load();
  c.collect_unneeded();
  c.evict_until(keep_bytes);
  return r;
}

bool collect_unneeded(ContentStore& store, PruneResult& r) {
  auto no_builds = lock_for_collection(store.root());
  if (!no_builds) return false;
  FileLock index(store.root() + "/index.lock");
  Collector c(store, r);
  c.load();
  c.collect_unneeded();
  return true;
}

std::optional<uint64_t> parse_storage_size(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  std::string number(text.substr(0, i));
  if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return std::nullopt;
  std::string unit;
  for (char c : text.substr(i)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::map<std::string, int> kPowers = {{"", 0}, {"b", 0}, {"k", 1}, {"m", 2}, {"g", 3}, {"t", 4}};
  std::string letter = unit.empty() || unit == "b" ? unit : unit.substr(0, 1);
  std::string rest = unit.size() > 1 ? unit.substr(1) : "";
  auto power = kPowers.find(letter);
  if (power == kPowers.end() || !(rest.empty() || rest == "b" || rest == "ib")) return std::nullopt;
  long double value = std::stold(number) * std::pow(1024.0L, power->second);
  if (value > 1.8e19L) return std::nullopt;
  return static_cast<uint64_t>(value);
}

}  // namespace ocbuild::solver
