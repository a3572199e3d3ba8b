// Client::resolve: from a tag to the image manifest for one platform,
// through an index or manifest list when the tag names one.
#include "ocbuild/core/error.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/client.h"

namespace ocbuild::registry {

ResolvedImage Client::resolve(const std::string& tag_or_digest, const Platform& platform) const {
  Manifest top = get_manifest(tag_or_digest);
  if (!is_index_media_type(top.media_type)) return {std::move(top), std::nullopt};
  std::string subject = domain() + "/" + repository() +
                        (tag_or_digest.find(':') != std::string::npos ? "@" : ":") + tag_or_digest;
  Index index = parse_index(top.bytes, subject + " (index " + top.digest.str() + ")");
  // Errors name the image as the user wrote it: "busybox:latest".
  Descriptor chosen = choose_manifest(index, platform, Reference::parse(subject).familiar());
  Manifest child = get_manifest(chosen.digest.str());
  if (is_index_media_type(child.media_type))
    throw Error(ErrorCode::Registry, subject + ": the entry for " + platform_string(platform) +
                                         " is itself an index; nested indexes are not supported");
  return {std::move(child), std::move(top)};
}

}  // namespace ocbuild::registry
