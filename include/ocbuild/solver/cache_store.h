#pragma once
// The cache store: cache key -> the result of the step (its layer or "no
// layer", the image config state after it, when it was made and the fields
// of its key), plus a "last build" record per (context, Dockerfile, target)
// listing each step's key fields, so a later build can explain its misses.
// A lookup that finds nothing usable (absent, unknown version, corrupt,
// layer blob gone) is a miss (nullopt), never an error.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/digest.h"
#include "ocbuild/export/layer_writer.h"
#include "ocbuild/solver/cache_key.h"

namespace ocbuild::solver {

struct CacheResult {
  std::optional<exporter::Layer> layer;  // nullopt: the step made no layer
  std::string config_json;               // image config state after the step
  int64_t created = 0;                   // seconds since the epoch
  std::vector<KeyField> fields;          // what the key was made of
  friend bool operator==(const CacheResult&, const CacheResult&) = default;
};

struct StepRecord {
  std::string name;  // "[build 2/4] RUN make"
  Digest key;
  std::vector<KeyField> fields;
  std::vector<FileDigest> files;
  // Where the step sits ("build/3": stage name or "stage-N", position in
  // the stage): a later build compares the step at the same slot.
  std::string slot;
  friend bool operator==(const StepRecord&, const StepRecord&) = default;
};

// Identifies "the same build" across runs.
struct BuildId {
  std::string context_dir;  // absolute
  std::string dockerfile;   // as given
  std::string target;       // empty: the last stage
  Digest digest() const;
};

struct LastBuild {
  std::vector<StepRecord> steps;
  // Of the slots, names, keys and fields (a key covers its files): two
  // records with the same summary say the same; a rebuild with nothing new
  // leaves the stored record alone.
  Digest summary() const;
  friend bool operator==(const LastBuild&, const LastBuild&) = default;
};

// Implementations are safe for concurrent use by the steps of one build and,
// for the disk store, by several processes (last writer wins, each record
// whole).
class CacheStore {
 public:
  virtual ~CacheStore() = default;
  virtual std::optional<CacheResult> lookup(const Digest& key) = 0;
  virtual void store(const Digest& key, const CacheResult& result) = 0;
  virtual std::optional<LastBuild> last_build(const BuildId& id) = 0;
  virtual void save_last_build(const BuildId& id, const LastBuild& build) = 0;
};

using BlobExists = std::function<bool(const Digest&)>;

// Records under <store root>/cache/. Throws Error(Io) only when a record
// cannot be written. A last-build file is "<summary line>\n<JSON record>";
// saving the same build again reads only the summary line.
class DiskCacheStore : public CacheStore {
 public:
  DiskCacheStore(std::string store_root, BlobExists blob_exists);
  std::optional<CacheResult> lookup(const Digest& key) override;
  void store(const Digest& key, const CacheResult& result) override;
  std::optional<LastBuild> last_build(const BuildId& id) override;
  void save_last_build(const BuildId& id, const LastBuild& build) override;

  std::string record_path(const Digest& key) const;
  std::string last_build_path(const BuildId& id) const;

 private:
  std::string dir_;
  BlobExists blob_exists_;
};

// The in-memory fake for tests.
class MemoryCacheStore : public CacheStore {
 public:
  std::optional<CacheResult> lookup(const Digest& key) override;
  void store(const Digest& key, const CacheResult& result) override;
  std::optional<LastBuild> last_build(const BuildId& id) override;
  void save_last_build(const BuildId& id, const LastBuild& build) override;

 private:
  std::mutex mu_;
  std::map<Digest, CacheResult> results_;
  std::map<Digest, LastBuild> builds_;
};

// The record formats, exposed for tests and `ocbuild debug`: JSON text of a
// record, and its parse (nullopt for an unknown version or a corrupt record).
std::string encode_result(const Digest& key, const CacheResult& result);
std::optional<CacheResult> decode_result(const Digest& key, const std::string& text);
std::string encode_last_build(const LastBuild& build);
std::optional<LastBuild> decode_last_build(const std::string& text);

}  // namespace ocbuild::solver
