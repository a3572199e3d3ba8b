#pragma once
// Turns a registry's error response into one clear Error line that names the
// subject (a reference or blob) and says what to do next.
#include <string>

#include "ocbuild/registry/transport.h"

namespace ocbuild::registry {

// "code: message; code: message" from the registry's JSON error body
// ({"errors":[{"code","message"}]}) or an OAuth2 error body ({"error",
// "error_description"}), or "" when the body is neither.
std::string registry_error_detail(const std::string& body);

// Throws Error(Registry) for an unexpected response to `action` ("pull
// manifest", "upload blob"). `had_credentials` words the 401 hint.
[[noreturn]] void throw_http_error(const std::string& subject, const std::string& host, const std::string& action,
                                   const HttpResponse& response, bool had_credentials);

}  // namespace ocbuild::registry
