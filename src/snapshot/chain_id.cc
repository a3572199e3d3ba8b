#include "ocbuild/snapshot/chain_id.h"

#include "ocbuild/core/error.h"

namespace ocbuild::snapshot {

Digest chain_id_next(const Digest* parent, const Digest& diff_id) {
  if (!parent) return diff_id;
  return Digest::of(parent->str() + " " + diff_id.str());
}

Digest chain_id(const std::vector<Digest>& diff_ids) {
  if (diff_ids.empty()) throw Error(ErrorCode::Invalid, "chain_id of an empty layer list");
  Digest id = diff_ids.front();
  for (size_t i = 1; i < diff_ids.size(); ++i) id = chain_id_next(&id, diff_ids[i]);
  return id;
}

}  // namespace ocbuild::snapshot
