// Client::resolve: from a tag to the image manifest for one platform,
// through an index or manifest list when the tag names one.
#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"
#include "ocbuild/registry/client.h"
#include "ocbuild/registry/platform_select.h"

namespace ocbuild::registry {
namespace {

std::string available_platforms(const std::string& index_bytes) {
  auto j = nlohmann::json::parse(index_bytes, nullptr, false);
  std::string out;
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array()) return out;
  for (const auto& m : j["manifests"]) {
    if (!m.is_object() || !m.contains("platform") || !m["platform"].is_object()) continue;
    const auto& p = m["platform"];
    Platform pl{p.value("architecture", ""), p.value("os", ""), "", {}, p.value("variant", "")};
    out += (out.empty() ? "" : ", ") + platform_string(pl);
  }
  return out;
}

}  // namespace

ResolvedImage Client::resolve(const std::string& tag_or_digest, const Platform& platform) const {
  Manifest top = get_manifest(tag_or_digest);
  if (!is_index_media_type(top.media_type)) return {std::move(top), std::nullopt};
  std::string subject = domain() + "/" + repository() +
                        (tag_or_digest.find(':') != std::string::npos ? "@" : ":") + tag_or_digest;
  auto chosen = select_manifest(top.bytes, platform);
  if (!chosen)
    throw Error(ErrorCode::Registry, subject + ": no image for " + platform_string(platform) +
                                         " (available: " + available_platforms(top.bytes) + ")");
  Manifest child = get_manifest(chosen->digest.str());
  if (is_index_media_type(child.media_type))
    throw Error(ErrorCode::Registry, subject + ": the entry for " + platform_string(platform) +
                                         " is itself an index; nested indexes are not supported");
  return {std::move(child), std::move(top)};
}

}  // namespace ocbuild::registry
