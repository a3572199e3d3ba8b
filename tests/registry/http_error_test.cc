// A registry's error response becomes ONE line naming the subject and what
// to do next, with the registry's own words (distribution or OAuth2 bodies).
#include "registry/http_error.h"

#include <gtest/gtest.h>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {
namespace {

std::string message_for(long status, const std::string& body, bool had_credentials = false) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  try {
    throw_http_error("reg.example/app:1", "reg.example", "pull the manifest", r, had_credentials);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Registry);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  return "(no error)";
}

TEST(HttpError, DetailFromDistributionAndOAuthBodies) {
  EXPECT_EQ(registry_error_detail(R"({"errors":[{"code":"DENIED","message":"no"},{"code":"X"}]})"), "DENIED: no; X");
  EXPECT_EQ(registry_error_detail(R"({"error":"invalid_grant","error_description":"expired"})"),
            "invalid_grant: expired");
  EXPECT_EQ(registry_error_detail(R"({"error":"invalid_client"})"), "invalid_client");
  EXPECT_EQ(registry_error_detail("<html>502</html>"), "");
}

TEST(HttpError, EachStatusSaysWhatToDo) {
  EXPECT_EQ(message_for(401, ""), "reg.example/app:1: unauthorized: run `ocbuild login reg.example`");
  EXPECT_EQ(message_for(401, "", true),
            "reg.example/app:1: unauthorized: the credentials for reg.example were rejected; check them and run "
            "`ocbuild login reg.example`");
  EXPECT_EQ(message_for(403, R"({"errors":[{"code":"DENIED","message":"requested access is denied"}]})"),
            "reg.example/app:1: denied: no permission to pull the manifest; check your access to the repository "
            "(registry said: DENIED: requested access is denied)");
  EXPECT_EQ(message_for(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"),
            "reg.example/app:1: not found: pull the manifest failed; check the name, tag or digest (registry said: "
            "MANIFEST_UNKNOWN: manifest unknown)");
  EXPECT_EQ(message_for(415, ""), "reg.example/app:1: unsupported media type: the registry refused to pull the manifest");
  EXPECT_EQ(message_for(502, "bad gateway"), "reg.example/app:1: pull the manifest failed: HTTP 502 from reg.example");
}

}  // namespace
}  // namespace ocbuild::registry
