// `ocbuild rmi`'s collection: like `docker rmi`, removing an image does not
// drop the build cache, so the layer blobs cache records name stay (only
// `prune` removes cache).
#include <set>

#include "ocbuild/solver/store_prune.h"
#include "solver/store_walk.h"

namespace ocbuild::solver {

std::set<Digest> cache_record_blobs(const std::string& root) {
  std::set<Digest> out;
  for (const auto& sub : children(root + "/cache/records")) {
    for (const auto& path : children(sub))
      if (auto result = read_record(path); result && result->layer) out.insert(result->layer->blob.digest);
  }
  return out;
}

GcResult collect_unused_blobs(ContentStore& store) {
  return store.collect_garbage(std::chrono::seconds(0), cache_record_blobs(store.root()));
}

}  // namespace ocbuild::solver
