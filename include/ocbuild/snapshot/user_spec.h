#pragma once
// Resolving a Dockerfile USER ("name", "uid", "uid:gid", "name:group") against
// the image's /etc/passwd and /etc/group, as runc/moby do.
#include <string>
#include <vector>

#include <sys/types.h>

namespace ocbuild::snapshot {

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary;  // only when no group was given
  std::string home = "/";
};

// `layers` are directories searched top first for /etc/passwd and /etc/group
// (symlinks are resolved inside each layer, never on the host). Throws
// Error(NotFound) for a name that is in neither file, Error(Invalid) for a
// malformed spec.
ResolvedUser resolve_user(const std::string& spec, const std::vector<std::string>& layers);

}  // namespace ocbuild::snapshot
