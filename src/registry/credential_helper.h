#pragma once
// Runs `docker-credential-<name> get` (the docker credential helper protocol).
#include <optional>
#include <string>

#include "ocbuild/registry/auth.h"

namespace ocbuild::registry {

// Sends `server` on stdin and reads {"Username","Secret"} from stdout.
// nullopt when the helper says it has no credentials for the server.
// Throws Error(Registry) naming the helper (never its output) on failure.
std::optional<Credentials> run_credential_helper(const std::string& name, const std::string& server);

}  // namespace ocbuild::registry
