#pragma once
// File work on snapshots as the container sees it. Host root maps ids 1:1,
// so the work runs in place. Any other user runs it in a forked child that
// enters a user namespace with the executor's mapping (plan_id_maps: the
// user as 0 plus its subordinate range, or the user alone), so files of
// subordinate ids can be read, chowned and removed, and lstat shows the
// container's ids. The child's result (a string) or its error comes back
// over a pipe.
#include <functional>
#include <string>

namespace ocbuild::snapshot {

// Runs `work` as container root; rethrows its Error (code and message).
std::string as_container_root(const std::function<std::string()>& work);

}  // namespace ocbuild::snapshot
