#pragma once
// ContentStore: content-addressed blobs and tags, laid out on disk as a valid
// OCI image layout (oci-layout, index.json, blobs/sha256/<hex>), so skopeo
// (`oci:ROOT:name:tag`) and umoci (`ROOT:name:tag`) read it directly. Tags are
// index.json entries annotated with org.opencontainers.image.ref.name =
// "name:tag". Blobs arrive through a temp file in ROOT/ingest that is hashed,
// fsynced, verified and renamed into place: a digest mismatch throws
// Error(Invalid) and leaves nothing behind. index.json changes are serialized
// across processes by a FileLock on ROOT/index.lock and written atomically;
// ROOT/gc.lock and ROOT/leases/ keep garbage collection off what builds use
// (lease.h).
// A ContentStore object is cheap and may be used from several threads.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild {

class Lease;

inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

// Streams one blob into the store, hashing as it goes. Not thread safe. The
// destructor discards an uncommitted blob.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept = default;
  BlobWriter& operator=(BlobWriter&&) noexcept = default;
  ~BlobWriter();

  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  int64_t size() const { return size_; }
  // fsync, verify against `expected` (and `expected_size` when >= 0), and
  // move the blob into place. Throws Error(Invalid) on a mismatch.
  Digest commit(const std::optional<Digest>& expected = std::nullopt, int64_t expected_size = -1);

 private:
  friend class ContentStore;
  BlobWriter(std::string blobs_dir, std::string temp_path, UniqueFd fd, std::shared_ptr<Lease> lease);
  std::shared_ptr<Lease> lease_;  // the blob is leased as it is renamed in
  std::string blobs_dir_;
  std::string temp_path_;
  UniqueFd fd_;
  Hasher hasher_;
  int64_t size_ = 0;
};

struct TagEntry {
  std::string ref_name;   // "name:tag"
  Descriptor descriptor;  // the manifest or index it points at
};

struct GcResult {
  size_t blobs_removed = 0;
  int64_t bytes_removed = 0;
  bool deferred = false;  // a lease was held: nothing was collected
};

class ContentStore {
 public:
  // Opens the store at `root`, creating the layout when missing.
  explicit ContentStore(std::string root);
  const std::string& root() const { return root_; }

  // --- blobs ---
  bool has(const Digest& digest) const;
  std::string blob_path(const Digest& digest) const;     // whether or not it exists
  std::optional<int64_t> blob_size(const Digest& digest) const;
  UniqueFd open(const Digest& digest) const;             // Error(NotFound) if absent
  std::string read(const Digest& digest) const;          // Error(NotFound) if absent
  BlobWriter writer() const;
  Digest ingest_bytes(std::string_view bytes, const std::optional<Digest>& expected = std::nullopt);
  Digest ingest_fd(int fd, const std::optional<Digest>& expected = std::nullopt, int64_t expected_size = -1);
  Digest ingest_file(const std::string& path, const std::optional<Digest>& expected = std::nullopt,
                     int64_t expected_size = -1);
  // Serializes and ingests a document, returning its descriptor.
  Descriptor put_manifest(const Manifest& manifest);
  Descriptor put_index(const Index& index);
  Descriptor put_config(const ImageConfig& config);

  // --- tags (index.json) ---
  void tag(const std::string& ref_name, const Descriptor& target);  // replaces an existing tag
  bool untag(const std::string& ref_name);
  std::optional<Descriptor> resolve(const std::string& ref_name) const;
  std::vector<TagEntry> list_tags() const;  // sorted by ref_name

  // A lease keeps garbage collection away while held (a shared lock on
  // ROOT/gc.lock): hold one from the first blob a pull writes until the
  // result is tagged. Any number of leases may be held at once. A build
  // attaches a Lease (lease.h) instead and never holds gc.lock for long.
  FileLock lease() const;

  // With a Lease attached (by a build), every blob this object (and its
  // copies) commits, or finds present and does not write, is leased; and
  // hold() leases a blob before checking it is there.
  void attach_lease(std::shared_ptr<Lease> lease) { lease_ = std::move(lease); }
  Lease* attached_lease() const { return lease_.get(); }
  bool hold(const Digest& digest) const;

  // Removes every blob that no tag reaches (manifest -> config, layers;
  // index -> manifests) and no live Lease holds, holding gc.lock exclusively
  // and the index lock. When gc.lock stays held (a lease() of any process,
  // this one included) it collects nothing and returns deferred = true. Blobs modified less than `grace` ago, and those in
  // `also_live` (e.g. the layers cache records name), are also kept.
  GcResult collect_garbage(std::chrono::seconds grace = std::chrono::seconds(0),
                           const std::set<Digest>& also_live = {});
  // Digests reachable from a manifest or index (itself included).
  std::vector<Digest> reachable_from(const Descriptor& root) const;

 private:
  std::string root_;
  std::shared_ptr<Lease> lease_;
};

}  // namespace ocbuild
