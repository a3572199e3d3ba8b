// RUN --mount: from frontend::Mount to snapshot::MountSpec, as BuildKit's
// dockerfile2llb (convert_runmount.go) and its executor mount them.
#include "ocbuild/solver/run_mounts.h"

#include <sys/stat.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"
#include "solver/context_paths.h"

namespace ocbuild::solver {
namespace {

using frontend::Mount;
using frontend::MountType;
using snapshot::MountSpec;

snapshot::CacheSharing to_sharing(frontend::CacheSharing s) {
  switch (s) {
    case frontend::CacheSharing::kShared: return snapshot::CacheSharing::Shared;
    case frontend::CacheSharing::kPrivate: return snapshot::CacheSharing::Private;
    case frontend::CacheSharing::kLocked: return snapshot::CacheSharing::Locked;
  }
  return snapshot::CacheSharing::Shared;
}

std::string root_of(const Mount& m, const RunMountInputs& in) {
  if (m.from.empty()) {
    if (in.context_dir.empty()) throw Error(ErrorCode::Invalid, "bind mount without from= needs a build context");
    return in.context_dir;
  }
  if (!in.from_root) throw Error(ErrorCode::Invalid, "mount from=" + m.from + ": no stage or image resolver given");
  return in.from_root(m.from);
}

// The host path of `source` inside `root`, symlinks confined to the root.
std::string source_in(const std::string& root, const Mount& m) {
  auto r = resolve_in_root(root, m.source, true);
  if (!r) {
    std::string where = m.from.empty() ? "the build context" : "\"" + m.from + "\"";
    throw Error(ErrorCode::NotFound, "mount source \"" + m.source + "\" not found in " + where);
  }
  return r->path.empty() ? root : root + "/" + r->path;
}

void add_bind(const Mount& m, const std::string& target, const RunMountInputs& in, ResolvedMounts& out) {
  std::string source = m.from.empty() && in.context_source ? in.context_source(m.source) : source_in(root_of(m, in), m);
  MountSpec spec;
  spec.type = MountSpec::Type::Bind;
  spec.target = target;
  spec.read_only = m.readonly;
  if (m.readonly) {
    spec.source = source;
  } else {
    // rw: the RUN writes to a throwaway copy; the source never changes.
    std::string parent = in.store_root.empty() ? std::string() : in.store_root + "/tmp";
    if (!parent.empty()) make_dirs(parent);
    out.scratch.emplace_back(source, parent);
    spec.source = out.scratch.back().path();
  }
  out.mounts.push_back(std::move(spec));
}

void add_cache(const Mount& m, const std::string& target, const RunMountInputs& in, ResolvedMounts& out) {
  if (!in.cache_mounts) throw Error(ErrorCode::Invalid, "cache mount " + m.id + ": no cache mount store given");
  snapshot::CacheOwner owner;
  if (m.mode) owner.mode = *m.mode;
  if (m.uid) owner.uid = *m.uid;
  if (m.gid) owner.gid = *m.gid;
  std::optional<snapshot::CacheBase> base;
  if (!m.from.empty()) {
    std::string root = root_of(m, in);
    std::string from_key = in.from_key ? in.from_key(m.from) : root;
    base = snapshot::CacheBase{from_key + "|" + m.source, source_in(root, m)};
  }
  out.leases.push_back(in.cache_mounts->acquire(m.id, to_sharing(m.sharing), owner, base));
  MountSpec spec;
  spec.type = MountSpec::Type::Bind;
  spec.source = out.leases.back().path();
  spec.target = target;
  spec.read_only = m.readonly;
  out.mounts.push_back(std::move(spec));
}

void add_tmpfs(const Mount& m, const std::string& target, ResolvedMounts& out) {
  MountSpec spec;
  spec.type = MountSpec::Type::Tmpfs;
  spec.target = target;
  spec.read_only = m.readonly;
  if (m.size) spec.tmpfs_size = std::to_string(*m.size);
  out.mounts.push_back(std::move(spec));
}

void add_secret(const Mount& m, const std::string& target, const RunMountInputs& in, ResolvedMounts& out) {
  std::optional<std::string> value;
  if (in.secrets) {
    auto it = in.secrets->find(m.id);
    if (it != in.secrets->end()) value = snapshot::read_secret(it->second);
  }
  if (!value) {
    if (m.required) throw Error(ErrorCode::NotFound, "secret " + m.id + " not found (required=true)");
    return;
  }
  if (m.env) out.env.push_back(*m.env + "=" + *value);
  if (target.empty()) return;  // env= without target: no file
  snapshot::SecretFileOwner owner;
  if (m.mode) owner.mode = *m.mode;
  if (m.uid) owner.uid = *m.uid;
  if (m.gid) owner.gid = *m.gid;
  out.secret_files.push_back(snapshot::materialize_secret(*value, in.secret_dir, owner));
  MountSpec spec;
  spec.type = MountSpec::Type::Bind;
  spec.source = out.secret_files.back().path();
  spec.target = target;
  spec.read_only = true;
  out.mounts.push_back(std::move(spec));
}

void add_ssh(const Mount& m, const std::string& target, const RunMountInputs& in, ResolvedMounts& out) {
  const snapshot::SshSource* source = nullptr;
  if (in.ssh) {
    auto it = in.ssh->find(m.id);
    if (it != in.ssh->end() && !it->second.paths.empty()) source = &it->second;
    if (it != in.ssh->end() && it->second.paths.empty() && !it->second.keys.empty())
      throw Error(ErrorCode::Internal, "ssh " + m.id + ": key files given but no agent started (start_ssh_agents)");
  }
  if (!source) {
    if (m.required) throw Error(ErrorCode::NotFound, "ssh agent " + m.id + " not found (required=true)");
    return;
  }
  MountSpec spec;
  spec.type = MountSpec::Type::Bind;
  spec.source = source->paths.front();
  spec.target = target;
  out.mounts.push_back(std::move(spec));
  bool first = true;
  for (const auto& e : out.env) first &= e.rfind("SSH_AUTH_SOCK=", 0) != 0;
  if (first) out.env.push_back("SSH_AUTH_SOCK=" + target);
}

}  // namespace

std::string mount_target(const Mount& mount, const std::string& workdir, int ssh_index) {
  std::string target = mount.target;
  if (target.empty() && mount.type == MountType::kSsh) target = "/run/buildkit/ssh_agent." + std::to_string(ssh_index);
  if (target.empty()) return target;  // secret with env= only
  if (target[0] != '/') target = join_path(workdir.empty() ? "/" : workdir, target);
  target = clean_path(target);
  if (target.empty() || target[0] != '/') target = "/" + target;
  return target;
}

ResolvedMounts resolve_run_mounts(const std::vector<Mount>& mounts, const RunMountInputs& in) {
  ResolvedMounts out;
  int ssh_index = 0;
  for (const auto& m : mounts) {
    std::string target = mount_target(m, in.workdir, m.type == MountType::kSsh ? ssh_index++ : 0);
    try {
      switch (m.type) {
        case MountType::kBind: add_bind(m, target, in, out); break;
        case MountType::kCache: add_cache(m, target, in, out); break;
        case MountType::kTmpfs: add_tmpfs(m, target, out); break;
        case MountType::kSecret: add_secret(m, target, in, out); break;
        case MountType::kSsh: add_ssh(m, target, in, out); break;
      }
    } catch (Error& e) {
      e.add_context("--mount=type=" + std::string(frontend::to_string(m.type)) + ",target=" + target);
      throw;
    }
  }
  return out;
}

}  // namespace ocbuild::solver
