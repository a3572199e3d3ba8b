#pragma once
// The snapshot store: unpacked layers kept once under <store root>/snapshots,
// keyed by chain ID, and writable snapshots stacked on them for RUN steps.
// Layer blobs come in from the ContentStore; prepare() gives a root file
// system for the executor (an OverlayRoot with the overlay driver, a
// PlainRoot full copy with the native one); commit() turns the changes into
// a layer blob (ingested into the ContentStore) and a new committed snapshot.
//
// On disk (format "ocbuild-snapshot 1", see snapshot_meta.cc):
//   committed/<chain hex><tag>/{meta,fs}  one layer, overlay format:
//                                    deletions are 0/0 char devices, opaque
//                                    dirs carry user.overlay.opaque=y; <tag>
//                                    names the id mapping the files were
//                                    written under ("" for host root), since
//                                    host owners mean other container ids
//                                    under another mapping
//   active/<random>/                 writable snapshots
//   tmp/<random>/                    unpacks in progress (renamed into place)
//   locks/<chain hex><tag>.lock      one FileLock per chain being created
// Every method may be called from several processes at once. Run as an
// unprivileged user, file work happens inside a user namespace with the
// executor's id mapping, so owners are always the container's view; an
// owner that mapping cannot hold is kept in the user.ocbuild.owner xattr
// (core/xattrs.h) and the layer records it from there.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/export/layer_writer.h"
#include "ocbuild/snapshot/run_spec.h"

namespace ocbuild::snapshot {

enum class Driver { Auto, Overlay, Native };
const char* to_string(Driver driver);
// "auto", "overlay", "native"; nullopt otherwise.
std::optional<Driver> parse_driver(std::string_view text);

// One layer of an image: its blob in the ContentStore and its diff_id.
struct LayerRef {
  Descriptor blob;
  Digest diff_id;
};

class SnapshotStore;

// A writable snapshot. Movable; the destructor discards it unless committed.
class ActiveSnapshot {
 public:
  ActiveSnapshot(ActiveSnapshot&&) noexcept;
  ActiveSnapshot& operator=(ActiveSnapshot&&) noexcept;
  ActiveSnapshot(const ActiveSnapshot&) = delete;
  ActiveSnapshot& operator=(const ActiveSnapshot&) = delete;
  ~ActiveSnapshot();

  Driver driver() const;  // Overlay or Native, never Auto
  // The root to put in a RunSpec.
  const RootFs& root() const;
  const std::optional<Digest>& parent() const;
  // Keeps the run's mount stubs (created_paths) out of the layer.
  void record(const RunResult& result);

  struct State;

 private:
  friend class SnapshotStore;
  explicit ActiveSnapshot(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct CommitResult {
  exporter::Layer layer;
  Digest chain_id;  // of the committed snapshot (parent chain + this layer)
};

class SnapshotStore {
 public:
  // Opens <store.root()>/snapshots. Auto picks overlay when probe_overlay()
  // says it works, else native; the probe runs on the first prepare() or
  // driver() call, so a build whose steps are all cached never pays for it.
  explicit SnapshotStore(ContentStore& store, Driver driver = Driver::Auto);
  Driver driver() const;  // thread safe
  const std::string& root() const { return root_; }

  // Unpacks the layers that are not there yet (bottom first) and returns the
  // top chain ID. Throws Error(NotFound) for a blob the ContentStore lacks.
  Digest unpack(const std::vector<LayerRef>& layers);
  bool has(const Digest& chain_id) const;
  // The committed layer dirs of a chain, top first (Error(NotFound) if absent).
  std::vector<std::string> layer_dirs(const Digest& chain_id) const;

  // A writable snapshot on a committed chain, or empty (scratch) for nullopt.
  ActiveSnapshot prepare(const std::optional<Digest>& parent);
  ActiveSnapshot prepare(const std::vector<LayerRef>& layers);
  // A plain root holding only `paths` (absolute, clean, none below another)
  // of the layers' merged file system, each with everything below it and
  // the directories on the way (symlinks copied, not followed): what COPY
  // --from reads, without copying the whole tree. Read it, never commit it.
  ActiveSnapshot prepare_paths(const std::vector<LayerRef>& layers, const std::vector<std::string>& paths);

  // Writes the changes as a layer, ingests its blob and commits the snapshot
  // as chain_id(parent, diff_id). The active snapshot is consumed.
  CommitResult commit(ActiveSnapshot& active, const exporter::LayerWriteOptions& options);
  // Removes an active snapshot now.
  void discard(ActiveSnapshot& active) noexcept;

 private:
  void ensure_layer(const std::optional<Digest>& parent, const LayerRef& layer, const Digest& chain);
  std::string committed_dir(const Digest& chain_id) const;
  std::string lock_path(const Digest& chain_id) const;
  bool leased(const Digest& chain_id, const std::function<bool()>& use) const;
  ContentStore& store_;
  mutable Driver driver_;
  mutable std::once_flag driver_probed_;
  std::string root_;
  std::string tag_;  // id_map_tag() of this process's mapping
};

}  // namespace ocbuild::snapshot
