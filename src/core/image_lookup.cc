#include "ocbuild/core/image_lookup.h"

#include <sys/utsname.h>

#include "ocbuild/core/error.h"

namespace ocbuild {

std::optional<Descriptor> resolve_image(const ContentStore& store, const ImageRef& ref) {
  if (!ref.digest) return store.resolve(ref.ref_name());
  for (const auto& t : store.list_tags())
    if (t.descriptor.digest == *ref.digest) return t.descriptor;
  if (!store.has(*ref.digest)) return std::nullopt;
  std::string bytes = store.read(*ref.digest);
  std::string mt = sniff_media_type(bytes);
  if (!is_manifest_media_type(mt) && !is_index_media_type(mt)) return std::nullopt;
  return Descriptor{mt, *ref.digest, static_cast<int64_t>(bytes.size()), {}, {}, std::nullopt};
}

Descriptor find_image(const ContentStore& store, const std::string& ref_text) {
  auto d = resolve_image(store, parse_image_ref(ref_text));
  if (!d) throw Error(ErrorCode::NotFound, "image not found: " + ref_text);
  return *d;
}

Platform host_platform() {
  struct utsname u{};
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return {"amd64", "linux", "", {}, ""};
  if (m == "aarch64" || m == "arm64") return {"arm64", "linux", "", {}, "v8"};
  if (m.rfind("armv7", 0) == 0) return {"arm", "linux", "", {}, "v7"};
  if (m == "i686" || m == "i386") return {"386", "linux", "", {}, ""};
  return {m, "linux", "", {}, ""};
}

namespace {

// The image's name for an error: a tag naming it, else its digest.
std::string name_in_store(const ContentStore& store, const Descriptor& target) {
  for (const auto& t : store.list_tags())
    if (t.descriptor.digest == target.digest) return t.ref_name;
  return target.digest.str();
}

}  // namespace

Descriptor select_manifest(const ContentStore& store, const Descriptor& target, const std::optional<Platform>& want,
                           const WarningSink& warn) {
  if (is_index_media_type(target.media_type)) {
    Index idx = parse_index(store.read(target.digest), "index " + target.digest.str());
    Descriptor chosen = choose_manifest(idx, want ? *want : host_platform(), name_in_store(store, target));
    return is_index_media_type(chosen.media_type) ? select_manifest(store, chosen, want, warn) : chosen;
  }
  if (!want) return target;
  ImageConfig cfg;
  if (target.platform && !target.platform->os.empty() && !target.platform->architecture.empty()) {
    cfg.os = target.platform->os;  // a tag written by pull or build records the platform
    cfg.architecture = target.platform->architecture;
    cfg.variant = target.platform->variant;
  } else {
    Manifest m = parse_manifest(store.read(target.digest), "manifest " + target.digest.str());
    cfg = parse_image_config(store.read(m.config.digest), "config " + m.config.digest.str());
  }
  auto warning = check_config_platform(cfg, *want, name_in_store(store, target));
  if (warning && warn) warn(*warning);
  return target;
}

StoredImage read_image(const ContentStore& store, const Descriptor& desc) {
  StoredImage img;
  img.manifest_descriptor = desc;
  img.manifest = parse_manifest(store.read(desc.digest), "manifest " + desc.digest.str());
  img.config_bytes = store.read(img.manifest.config.digest);
  img.config = parse_image_config(img.config_bytes, "config " + img.manifest.config.digest.str());
  return img;
}

int64_t StoredImage::total_size() const {
  int64_t n = manifest_descriptor.size + manifest.config.size;
  for (const auto& l : manifest.layers) n += l.size;
  return n;
}

}  // namespace ocbuild
