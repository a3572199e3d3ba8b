// resolve_base_image(): the store first, the registry when the store lacks
// the image or the policy asks to check it.
#include "ocbuild/registry/base_image.h"

#include "ocbuild/core/image_lookup.h"

namespace ocbuild::registry {
namespace {

// The local image for `ref`, narrowed to `platform` when it is an index;
// nullopt when the store lacks it or has it for another platform only (the
// pull then fetches the right one, or says which platforms there are).
std::optional<Descriptor> local_image(const ContentStore& store, const Reference& ref, const Platform& platform,
                                      const WarningSink& warn) {
  std::string local = local_ref_name(ref).value_or(Reference::parse(ref.name()).familiar());
  ImageRef image_ref = parse_image_ref(ref.digest() ? local.substr(0, local.rfind(':')) + "@" + *ref.digest() : local);
  auto target = resolve_image(store, image_ref);
  if (!target) return std::nullopt;
  if (ocbuild::is_index_media_type(target->media_type)) {
    auto chosen = match_manifest(parse_index(store.read(target->digest), "index " + target->digest.str()), platform);
    if (!chosen || !store.has(chosen->digest)) return std::nullopt;
    return chosen;
  }
  ImageConfig cfg;
  if (target->platform && !target->platform->os.empty()) {
    cfg.os = target->platform->os;
    cfg.architecture = target->platform->architecture;
    cfg.variant = target->platform->variant;
  } else {
    cfg = read_image(store, *target).config;
  }
  if (cfg.os.empty() || cfg.architecture.empty()) {
    if (warn) warn(*check_config_platform(cfg, platform, ref.familiar()));
    return target;
  }
  if (!platform_matches(platform, Platform{cfg.architecture, cfg.os, "", {}, cfg.variant})) return std::nullopt;
  return target;
}

// True when the registry's current digest for `ref` is the one we hold.
bool up_to_date(const ContentStore& store, const Reference& ref, const Descriptor& local,
                const ClientOptions& options) {
  Client client = Client::for_reference(ref, options);
  auto remote = client.head_manifest(ref.digest() ? *ref.digest() : ref.tag_or_default());
  if (!remote) return false;  // let the pull report "not found"
  if (remote->digest == local.digest) return true;
  // A pulled index is stored but not tagged: the tag names its platform entry.
  if (!store.has(remote->digest)) return false;
  std::string bytes = store.read(remote->digest);
  if (!ocbuild::is_index_media_type(sniff_media_type(bytes))) return false;
  auto chosen = match_manifest(parse_index(bytes, "index " + remote->digest.str()),
                               local.platform ? *local.platform : host_platform());
  return chosen && chosen->digest == local.digest;
}

}  // namespace

Descriptor resolve_base_image(ContentStore& store, std::string_view ref_text, const Platform& platform,
                              const BaseImageOptions& options) {
  Reference ref = Reference::parse(ref_text);
  auto local = local_image(store, ref, platform, options.pull.warn);
  if (local && (options.policy == PullPolicy::Missing || ref.digest() ||
                up_to_date(store, ref, *local, options.pull.client)))
    return *local;
  PullOptions po = options.pull;
  po.platform = platform;
  return pull(store, ref, po).manifest;
}

}  // namespace ocbuild::registry
