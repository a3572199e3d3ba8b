// SnapshotStore::commit: the diff and the layer write run as container root
// (so owners are the container's), the blob goes into the ContentStore, and
// the snapshot is kept under its chain ID: the overlay upper dir is already
// a layer dir in overlay format and is renamed into place; the native tree
// is a full copy, so the new layer is unpacked from the blob instead.
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/file_lock.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/snapshot/chain_id.h"
#include "ocbuild/snapshot/snapshot_store.h"
#include "snapshot/active_state.h"
#include "snapshot/snapshot_meta.h"
#include "snapshot/tree_diff.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

std::string encode(const exporter::Layer& layer) {
  return layer.blob.media_type + "\n" + layer.blob.digest.str() + "\n" + std::to_string(layer.blob.size) + "\n" +
         layer.diff_id.str() + "\n" + std::to_string(layer.uncompressed_size) + "\n";
}

exporter::Layer decode(const std::string& text) {
  std::istringstream in(text);
  std::string digest, diff_id;
  exporter::Layer layer;
  if (!std::getline(in, layer.blob.media_type) || !(in >> digest >> layer.blob.size >> diff_id >> layer.uncompressed_size))
    throw Error(ErrorCode::Internal, "bad layer record from the commit helper");
  layer.blob.digest = Digest::parse(digest);
  layer.diff_id = Digest::parse(diff_id);
  return layer;
}

// The tree the RUN changed: the native copy or the overlay upper dir.
std::string changed_tree(const ActiveSnapshot::State& s) {
  return s.driver == Driver::Overlay ? s.dir + "/upper" : s.dir + "/fs";
}

exporter::Layer write_changes(const ActiveSnapshot::State& s, const exporter::LayerWriteOptions& options,
                              const std::string& blob_path) {
  std::string tree = changed_tree(s);
  // Last created first, so a stub inside an earlier stub dir goes before it.
  for (auto it = s.created.rbegin(); it != s.created.rend(); ++it) remove_empty_stub(tree, *it);
  exporter::ChangeSet changes = s.driver == Driver::Overlay ? overlay_diff(tree, s.lowers)
                                                            : native_diff(tree, load_manifest(s.dir + "/manifest"));
  return exporter::write_layer_from_changes(changes, options, blob_path);
}

}  // namespace

CommitResult SnapshotStore::commit(ActiveSnapshot& active, const exporter::LayerWriteOptions& options) {
  if (!active.state_ || active.state_->finished) throw Error(ErrorCode::Invalid, "commit of a finished snapshot");
  ActiveSnapshot::State& s = *active.state_;
  std::string blob_path = s.dir + "/layer.blob";
  exporter::Layer layer = decode(as_container_root([&] { return encode(write_changes(s, options, blob_path)); }));
  store_.ingest_file(blob_path, layer.blob.digest, layer.blob.size);
  Digest chain = chain_id_next(s.parent ? &*s.parent : nullptr, layer.diff_id);
  if (s.driver == Driver::Overlay && !leased(chain, [&] { return has(chain); })) {
    FileLock lock(lock_path(chain));
    std::string final_dir = committed_dir(chain);
    std::string keep = s.dir + "/keep";
    as_container_root([&] {
      if (has(chain)) return std::string();
      remove_tree_noexcept(final_dir);  // an incomplete one
      if (::mkdir(keep.c_str(), 0755) != 0) throw Error::io("mkdir " + keep, errno);
      if (::rename((s.dir + "/upper").c_str(), (keep + "/fs").c_str()) != 0)
        throw Error::io("rename " + s.dir + "/upper", errno);
      write_meta(keep, SnapshotMeta{chain, s.parent, layer.diff_id});
      if (::rename(keep.c_str(), final_dir.c_str()) != 0) throw Error::io("rename " + keep + " to " + final_dir, errno);
      fsync_dir(root_ + "/committed");
      return std::string();
    });
  } else {
    ensure_layer(s.parent, LayerRef{layer.blob, layer.diff_id}, chain);
  }
  discard(active);
  return CommitResult{layer, chain};
}

}  // namespace ocbuild::snapshot
