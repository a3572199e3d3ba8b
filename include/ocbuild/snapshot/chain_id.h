#pragma once
// Chain IDs as the OCI image spec defines them: ChainID(L0) = DiffID(L0),
// ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)).
#include <vector>

#include "ocbuild/core/digest.h"

namespace ocbuild::snapshot {

// Throws Error(Invalid) for an empty list.
Digest chain_id(const std::vector<Digest>& diff_ids);
// The chain ID of `parent` (none: the first layer) extended by `diff_id`.
Digest chain_id_next(const Digest* parent, const Digest& diff_id);

}  // namespace ocbuild::snapshot
