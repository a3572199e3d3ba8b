// pull(): manifest (through an index when needed), then blobs into the store
// in parallel, then manifest/index documents, then the tag, in that order, so
// that a tag only ever names a complete image.
#include "ocbuild/registry/pull.h"

#include <atomic>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/image_lookup.h"
#include "registry/blob_sources.h"
#include "registry/parallel.h"
#include "registry/store_blob_sink.h"

namespace ocbuild::registry {
namespace {

Descriptor descriptor_of(const registry::Manifest& m) {
  return Descriptor{m.media_type, m.digest, static_cast<int64_t>(m.bytes.size()), {}, {}, std::nullopt};
}

// Config first, then layers; each digest once.
std::vector<Descriptor> blobs_of(const ocbuild::Manifest& m) {
  std::vector<Descriptor> out{m.config};
  for (const auto& l : m.layers) {
    bool seen = l.digest == m.config.digest;
    for (const auto& o : out) seen = seen || o.digest == l.digest;
    if (!seen) out.push_back(l);
  }
  return out;
}

struct FetchTotals {
  std::atomic<int> fetched{0}, present{0};
  std::atomic<int64_t> bytes{0};
};

void fetch_blobs(ContentStore& store, const Client& client, const std::vector<Descriptor>& blobs,
                 const PullOptions& o, FetchTotals& totals) {
  std::atomic<bool> cancel{false};
  run_bounded(blobs.size(), o.parallel_downloads, [&](size_t i) {
    const Descriptor& b = blobs[i];
    if (store.has(b.digest)) {
      ++totals.present;
      if (o.progress) o.progress(b, b.size, true);
      return;
    }
    std::function<void(int64_t)> progress;
    if (o.progress) progress = [&](int64_t done) { o.progress(b, done, false); };
    StoreBlobSink sink(store, b, progress, &cancel);
    client.fetch_blob(b.digest, sink);
    ++totals.fetched;
    totals.bytes += b.size;
  }, &cancel);
}

bool is_image_config(const Descriptor& d) {
  return d.media_type == media_type::kOciConfig || d.media_type == media_type::kDockerConfig;
}

// The image's platform as its config says (index entries may omit variants).
std::optional<Platform> config_platform(const ContentStore& store, const ocbuild::Manifest& m) {
  if (!is_image_config(m.config)) return std::nullopt;
  ImageConfig cfg = parse_image_config(store.read(m.config.digest), "config " + m.config.digest.str());
  if (cfg.os.empty() || cfg.architecture.empty()) return std::nullopt;
  return Platform{cfg.architecture, cfg.os, cfg.os_version, cfg.os_features, cfg.variant};
}

// A manifest that did not come through an index must be for the platform
// asked for; its config, fetched first, decides before any layer is.
// Returns the blobs still to fetch.
std::vector<Descriptor> check_plain_manifest(ContentStore& store, const Client& client, const ocbuild::Manifest& m,
                                             const std::string& name, const Platform& platform,
                                             const PullOptions& o, FetchTotals& totals) {
  std::vector<Descriptor> blobs = blobs_of(m);
  if (!is_image_config(m.config)) return blobs;
  fetch_blobs(store, client, {m.config}, o, totals);
  ImageConfig cfg = parse_image_config(store.read(m.config.digest), "config " + m.config.digest.str());
  if (auto warning = check_config_platform(cfg, platform, name); warning && o.warn) o.warn(*warning);
  blobs.erase(blobs.begin());  // blobs_of() puts the config first
  return blobs;
}

}  // namespace

std::optional<std::string> local_ref_name(const Reference& ref) {
  if (ref.digest() && !ref.tag()) return std::nullopt;
  return Reference::parse(ref.name()).with_tag(ref.tag_or_default()).familiar();
}

PullResult pull(ContentStore& store, const Reference& ref, const PullOptions& o) {
  Client client = Client::for_reference(ref, o.client);
  Platform platform = o.platform ? *o.platform : host_platform();
  std::string target = ref.digest() ? *ref.digest() : ref.tag_or_default();
  ResolvedImage resolved = client.resolve(target, platform);
  ocbuild::Manifest manifest = parse_manifest(resolved.manifest.bytes, "manifest " + resolved.manifest.digest.str());
  if (!ocbuild::is_manifest_media_type(resolved.manifest.media_type))
    throw Error(ErrorCode::Registry, ref.str() + ": " + resolved.manifest.media_type + " is not an image manifest");

  FileLock lease = store.lease();  // keep garbage collection off the blobs until tagged
  FetchTotals totals;
  std::vector<Descriptor> blobs = blobs_of(manifest);
  if (!resolved.index) blobs = check_plain_manifest(store, client, manifest, ref.familiar(), platform, o, totals);
  fetch_blobs(store, client, blobs, o, totals);

  PullResult result;
  result.manifest = descriptor_of(resolved.manifest);
  result.manifest.platform = config_platform(store, manifest).value_or(platform);
  store.ingest_bytes(resolved.manifest.bytes, resolved.manifest.digest);
  result.digest = resolved.manifest.digest;
  if (resolved.index) {
    store.ingest_bytes(resolved.index->bytes, resolved.index->digest);
    result.index = descriptor_of(*resolved.index);
    result.digest = resolved.index->digest;
  }
  std::vector<Digest> digests;
  for (const auto& b : blobs_of(manifest)) digests.push_back(b.digest);
  record_blob_sources(store.root(), client.domain(), client.repository(), digests);
  if (auto name = local_ref_name(ref); name && o.tag) {
    store.tag(*name, result.manifest);
    result.ref_name = *name;
  }
  result.blobs_fetched = totals.fetched;
  result.blobs_present = totals.present;
  result.bytes_fetched = totals.bytes;
  return result;
}

}  // namespace ocbuild::registry
