// What of RUN --mount enters the exec cache key. Secret values never do:
// a secret is keyed by its id, target and env name only, as in BuildKit,
// so changing a secret does not invalidate the RUN.
#include <cstdio>

#include "ocbuild/solver/run_mounts.h"

namespace ocbuild::solver {
namespace {

using frontend::Mount;
using frontend::MountType;

const char* sharing_name(frontend::CacheSharing s) {
  switch (s) {
    case frontend::CacheSharing::kShared: return "shared";
    case frontend::CacheSharing::kPrivate: return "private";
    case frontend::CacheSharing::kLocked: return "locked";
  }
  return "shared";
}

std::string octal(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", v);
  return buf;
}

// Canonical "k=v,..." of the options, in a fixed order; only the ones that
// apply to the type, with BuildKit's defaults made explicit.
std::string options_of(const Mount& m) {
  std::string o = std::string("readonly=") + (m.readonly ? "true" : "false");
  auto add = [&](const std::string& k, const std::string& v) { o += "," + k + "=" + v; };
  switch (m.type) {
    case MountType::kCache:
      add("sharing", sharing_name(m.sharing));
      [[fallthrough]];
    case MountType::kSecret:
    case MountType::kSsh:
      add("mode", octal(m.mode.value_or(m.type == MountType::kCache ? 0755 : m.type == MountType::kSecret ? 0400 : 0600)));
      add("uid", std::to_string(m.uid.value_or(0)));
      add("gid", std::to_string(m.gid.value_or(0)));
      break;
    case MountType::kTmpfs:
      add("size", m.size ? std::to_string(*m.size) : "default");
      break;
    case MountType::kBind:
      break;
  }
  if (m.type == MountType::kSecret || m.type == MountType::kSsh) add("required", m.required ? "true" : "false");
  if (m.env) add("env", *m.env);
  return o;
}

}  // namespace

RunMountKey run_mounts_key(const std::vector<Mount>& mounts,
                           const std::function<std::string(const std::string& from)>& from_key,
                           const std::string& workdir) {
  RunMountKey key;
  int ssh_index = 0;
  for (const auto& m : mounts) {
    MountSpec spec;
    spec.type = frontend::to_string(m.type);
    spec.target = mount_target(m, workdir, m.type == MountType::kSsh ? ssh_index++ : 0);
    spec.id = m.type == MountType::kBind || m.type == MountType::kTmpfs ? std::string() : m.id;
    bool has_source = m.type == MountType::kBind || (m.type == MountType::kCache && !m.from.empty());
    if (has_source) spec.source = m.source;
    if (!m.from.empty()) spec.from = from_key ? from_key(m.from) : m.from;
    spec.options = options_of(m);
    if (m.type == MountType::kBind && m.from.empty()) key.context_sources.push_back(m.source);
    if (m.type == MountType::kSecret) key.secret_ids.push_back(m.id);
    if (m.type == MountType::kSsh) key.ssh_ids.push_back(m.id);
    key.mounts.push_back(std::move(spec));
  }
  return key;
}

}  // namespace ocbuild::solver
