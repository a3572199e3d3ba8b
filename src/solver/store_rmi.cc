// `ocbuild rmi`'s collection: like `docker rmi`, removing an image does not
// drop the build cache, so the layer blobs cache records name stay (only
// `prune` removes cache).
#include <filesystem>
#include <set>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/solver/cache_store.h"
#include "ocbuild/solver/store_prune.h"
#include "solver/store_walk.h"

namespace ocbuild::solver {

std::set<Digest> cache_record_blobs(const std::string& root) {
  std::set<Digest> out;
  for (const auto& sub : children(root + "/cache/records")) {
    for (const auto& path : children(sub)) {
      try {
        auto result = decode_result(Digest::parse("sha256:" + std::filesystem::path(path).stem().string()),
                                    read_file(path));
        if (result && result->layer) out.insert(result->layer->blob.digest);
      } catch (const Error&) {
        // Not a record (or unreadable): it needs nothing.
      }
    }
  }
  return out;
}

GcResult collect_unused_blobs(ContentStore& store) {
  return store.collect_garbage(std::chrono::seconds(0), cache_record_blobs(store.root()));
}

}  // namespace ocbuild::solver
