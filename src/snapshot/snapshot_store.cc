#include "ocbuild/snapshot/snapshot_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/lease.h"
#include "ocbuild/core/paths.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/chain_id.h"
#include "ocbuild/snapshot/executor.h"
#include "snapshot/active_state.h"
#include "snapshot/id_map.h"
#include "snapshot/layer_unpack.h"
#include "snapshot/snapshot_meta.h"
#include "snapshot/tree_copy.h"
#include "snapshot/tree_manifest.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

Driver pick_driver(Driver wanted) {
  if (wanted != Driver::Auto) return wanted;
  return probe_overlay() ? Driver::Native : Driver::Overlay;
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) throw Error::io("mkdir " + path, errno);
}

}  // namespace

// The build's lease (lease.h) holds a committed snapshot before it is used
// or renamed in: `use` checks it is there, or renames it in.
bool SnapshotStore::leased(const Digest& chain_id, const std::function<bool()>& use) const {
  return hold(store_.attached_lease(), LeaseKind::Snapshot, chain_id.hex() + tag_, use);
}

SnapshotStore::SnapshotStore(ContentStore& store, Driver driver)
    : store_(store),
      driver_(driver),
      root_(store.root() + "/snapshots"),
      tag_(::geteuid() == 0 ? std::string() : id_map_tag(plan_id_maps())) {
  for (const char* sub : {"committed", "active", "tmp", "locks"}) make_dirs(root_ + "/" + sub);
}

Driver SnapshotStore::driver() const {
  std::call_once(driver_probed_, [this] { driver_ = pick_driver(driver_); });
  return driver_;
}

std::string SnapshotStore::committed_dir(const Digest& chain_id) const {
  return root_ + "/committed/" + chain_id.hex() + tag_;
}

std::string SnapshotStore::lock_path(const Digest& chain_id) const {
  return root_ + "/locks/" + chain_id.hex() + tag_ + ".lock";
}

bool SnapshotStore::has(const Digest& chain_id) const {
  return read_meta(committed_dir(chain_id)).has_value();
}

std::vector<std::string> SnapshotStore::layer_dirs(const Digest& chain_id) const {
  std::vector<std::string> dirs;
  std::optional<Digest> next = chain_id;
  while (next) {
    std::string dir = committed_dir(*next);
    auto meta = read_meta(dir);
    if (!meta) throw Error(ErrorCode::NotFound, "no committed snapshot " + next->str() + " in " + root_);
    dirs.push_back(dir + "/fs");
    next = meta->parent;
  }
  return dirs;
}

Digest SnapshotStore::unpack(const std::vector<LayerRef>& layers) {
  if (layers.empty()) throw Error(ErrorCode::Invalid, "unpack: no layers");
  std::optional<Digest> parent;
  for (const auto& layer : layers) {
    Digest chain = chain_id_next(parent ? &*parent : nullptr, layer.diff_id);
    ensure_layer(parent, layer, chain);
    parent = chain;
  }
  return *parent;
}

// Unpacks into tmp/<random>/fs, writes the meta, and renames the dir into
// place under the chain's lock. A dir there without a valid meta is what a
// crash left: it is removed first.
void SnapshotStore::ensure_layer(const std::optional<Digest>& parent, const LayerRef& layer, const Digest& chain) {
  bool blob_present = store_.hold(layer.blob.digest);  // an image made from the snapshot names the blob
  if (leased(chain, [&] { return has(chain); })) return;
  if (!blob_present)
    throw Error(ErrorCode::NotFound, "layer blob " + layer.blob.digest.str() + " is not in " + store_.root());
  FileLock lock(lock_path(chain));
  if (has(chain)) return;
  std::string final_dir = committed_dir(chain);
  bool host_root = ::geteuid() == 0;
  std::string blob = store_.blob_path(layer.blob.digest);
  std::string tmp_root = root_ + "/tmp";
  as_container_root([&] {
    remove_tree_noexcept(final_dir);
    TempDir tmp("unpack-", tmp_root);
    make_dir(tmp.path() + "/fs");
    unpack_layer(blob, layer.blob.digest.str(), tmp.path() + "/fs", host_root);
    write_meta(tmp.path(), SnapshotMeta{chain, parent, layer.diff_id});
    if (::rename(tmp.path().c_str(), final_dir.c_str()) != 0)
      throw Error::io("rename " + tmp.path() + " to " + final_dir, errno);
    tmp.release();
    fsync_dir(root_ + "/committed");
    return std::string();
  });
}

ActiveSnapshot SnapshotStore::prepare(const std::vector<LayerRef>& layers) {
  if (layers.empty()) return prepare(std::optional<Digest>());
  return prepare(std::optional<Digest>(unpack(layers)));
}

ActiveSnapshot SnapshotStore::prepare(const std::optional<Digest>& parent) {
  auto state = std::make_unique<ActiveSnapshot::State>();
  state->driver = driver();
  state->parent = parent;
  if (parent) state->lowers = layer_dirs(*parent);
  TempDir dir("", root_ + "/active");
  state->dir = dir.path();
  ActiveSnapshot active(std::move(state));  // owns the dir from here on
  dir.release();
  ActiveSnapshot::State& s = *active.state_;
  if (driver() == Driver::Overlay) {
    for (const char* sub : {"upper", "work", "lower"}) make_dir(s.dir + "/" + sub);
    std::vector<std::string> lowers = s.lowers;
    if (lowers.empty()) lowers.push_back(s.dir + "/lower");  // overlay needs one
    s.root = OverlayRoot{lowers, s.dir + "/upper", s.dir + "/work", std::nullopt};
    return active;
  }
  make_dir(s.dir + "/fs");
  std::vector<std::string> bottom_first(s.lowers.rbegin(), s.lowers.rend());
  as_container_root([&] {
    merge_layers(bottom_first, s.dir + "/fs");
    save_manifest(scan_tree(s.dir + "/fs"), s.dir + "/manifest");
    return std::string();
  });
  s.root = PlainRoot{s.dir + "/fs"};
  return active;
}

ActiveSnapshot SnapshotStore::prepare_paths(const std::vector<LayerRef>& layers,
                                            const std::vector<std::string>& paths) {
  auto state = std::make_unique<ActiveSnapshot::State>();
  state->driver = Driver::Native;
  if (!layers.empty()) state->parent = unpack(layers);
  if (state->parent) state->lowers = layer_dirs(*state->parent);
  TempDir dir("", root_ + "/active");
  state->dir = dir.path();
  ActiveSnapshot active(std::move(state));  // owns the dir from here on
  dir.release();
  ActiveSnapshot::State& s = *active.state_;
  make_dir(s.dir + "/fs");
  std::vector<std::string> bottom_first(s.lowers.rbegin(), s.lowers.rend());
  as_container_root([&] {
    merge_layer_paths(bottom_first, paths, s.dir + "/fs");
    return std::string();
  });
  s.root = PlainRoot{s.dir + "/fs"};
  return active;
}

void SnapshotStore::discard(ActiveSnapshot& active) noexcept {
  if (!active.state_ || active.state_->finished) return;
  remove_active_dir(active.state_->dir);
  active.state_->finished = true;
}

}  // namespace ocbuild::snapshot
