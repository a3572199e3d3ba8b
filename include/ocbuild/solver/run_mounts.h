#pragma once
// RUN --mount for the exec op. In: the parsed mounts of one RUN
// (frontend::Mount, defaults already filled by the parser) and what they
// refer to (the context, stages and images by `from`, the cache mounts, the
// build's secrets and ssh agents). Out: the snapshot::MountSpec list and
// extra env for the RunSpec, plus the resources (cache leases, secret files,
// scratch copies) that must live until the RUN has ended; and, separately,
// what of the mounts enters the exec cache key.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ocbuild/frontend/instructions.h"
#include "ocbuild/snapshot/cache_mounts.h"
#include "ocbuild/snapshot/run_spec.h"
#include "ocbuild/snapshot/scratch_copy.h"
#include "ocbuild/snapshot/secrets.h"
#include "ocbuild/solver/cache_key.h"

namespace ocbuild::solver {

struct RunMountInputs {
  std::string context_dir;  // bind/cache without `from`: the build context
  // Host path of a bind source in the context as the RUN may see it (the
  // .dockerignore applied); when unset, the source inside context_dir.
  std::function<std::string(const std::string& source)> context_source;
  // Host root directory of a stage or image named by `from=` (a plain
  // directory tree). Required when a mount has `from`.
  std::function<std::string(const std::string& from)> from_root;
  // A stable key of that stage or image (e.g. its chain ID) naming the cache
  // a `type=cache,from=` mount seeds from it; the from_root path when unset.
  std::function<std::string(const std::string& from)> from_key;
  snapshot::CacheMounts* cache_mounts = nullptr;  // required for type=cache
  const snapshot::SecretMap* secrets = nullptr;   // may be null: no secrets
  const snapshot::SshMap* ssh = nullptr;          // may be null: no agents
  std::string store_root;    // scratch copies go to <store_root>/tmp
  std::string secret_dir;    // parent of secret dirs; $TMPDIR when empty
  std::string workdir = "/";  // relative targets are relative to it
};

// Everything the RUN needs. Move-only; keep it alive until Executor::run()
// returns: the destructor releases the cache leases, wipes the secret files
// and removes the scratch copies. `env` may hold secret values: put it in
// the RunSpec only, never in a cache key, a log or the image config.
// ssh mounts bind the host's agent socket itself: its mode and owner are the
// host's (mode/uid/gid of type=ssh are keyed but not applied).
struct ResolvedMounts {
  std::vector<snapshot::MountSpec> mounts;  // append to RunSpec::mounts
  std::vector<std::string> env;             // "KEY=value": append to RunSpec::env
  std::vector<snapshot::CacheLease> leases;
  std::vector<snapshot::MaterializedSecret> secret_files;
  std::vector<snapshot::ScratchCopy> scratch;
};

// Resolves the mounts in order. Throws Error(NotFound) for a required
// secret or ssh agent that was not given (naming its id), a bind source
// that does not exist in its root, Error(Invalid) for a source leaving its
// root or a `from` without a from_root callback. A missing optional secret
// or ssh agent is skipped. Cache, secret and bind sources are read here.
ResolvedMounts resolve_run_mounts(const std::vector<frontend::Mount>& mounts, const RunMountInputs& inputs);

// The cache-key part of the mounts: type, target, id, from, source and the
// options (readonly, sharing, mode, uid, gid, size, required, env name).
// Never secret contents. `from_key(from)` gives the key text (e.g. the
// digest) of a stage or image; a bind from the context keeps from empty and
// its source path, whose subtree digest the solver adds as content.
struct RunMountKey {
  std::vector<MountSpec> mounts;
  std::vector<std::string> secret_ids;
  std::vector<std::string> ssh_ids;
  std::vector<std::string> context_sources;  // bind sources in the context
};
RunMountKey run_mounts_key(const std::vector<frontend::Mount>& mounts,
                           const std::function<std::string(const std::string& from)>& from_key,
                           const std::string& workdir = "/");

// The container path of a mount: its target made absolute against workdir;
// ssh mounts without a target get /run/buildkit/ssh_agent.<n> (n counts the
// ssh mounts of the RUN from 0).
std::string mount_target(const frontend::Mount& mount, const std::string& workdir, int ssh_index);

}  // namespace ocbuild::solver
