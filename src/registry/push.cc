// push(): blobs before the documents that name them, manifests before the
// index, so the registry never sees a dangling reference.
#include "ocbuild/registry/push.h"

#include <atomic>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image.h"
#include "ocbuild/core/image_lookup.h"
#include "registry/blob_sources.h"
#include "registry/parallel.h"

namespace ocbuild::registry {
namespace {

struct PushContext {
  const ContentStore& store;
  const Client& client;
  const PushOptions& options;
};

std::string read_document(const ContentStore& store, const Descriptor& d, const std::string& what) {
  if (!store.has(d.digest))
    throw Error(ErrorCode::NotFound, what + " " + d.digest.str() + " is not in the store (" + store.root() +
                                         "); pull the full image first");
  return store.read(d.digest);
}

void push_blob(const PushContext& c, const Descriptor& blob) {
  if (!c.store.has(blob.digest))
    throw Error(ErrorCode::NotFound, "blob " + blob.digest.str() + " is not in the store (" + c.store.root() + ")");
  std::optional<std::string> from;
  if (c.options.cross_repository_mount)
    from = find_blob_source(c.store.root(), blob.digest, c.client.domain(), c.client.repository());
  UniqueFd fd = c.store.open(blob.digest);
  int64_t size = *c.store.blob_size(blob.digest);
  BlobPushResult how = c.client.push_blob(blob.digest, fd.get(), size, from);
  if (c.options.progress) c.options.progress(blob, how);
}

// Layers in parallel, then the config, then the manifest under `reference`.
Digest push_manifest(const PushContext& c, const Descriptor& desc, const std::string& reference) {
  std::string bytes = read_document(c.store, desc, "manifest");
  ocbuild::Manifest m = parse_manifest(bytes, "manifest " + desc.digest.str());
  std::atomic<bool> cancel{false};
  run_bounded(m.layers.size(), c.options.parallel_uploads, [&](size_t i) { push_blob(c, m.layers[i]); }, &cancel);
  push_blob(c, m.config);
  std::string mt = m.media_type.empty() ? desc.media_type : m.media_type;
  return c.client.put_manifest(reference, bytes, mt.empty() ? media_type::kOciManifest : mt);
}

Digest push_index(const PushContext& c, const Descriptor& desc, const std::string& reference) {
  std::string bytes = read_document(c.store, desc, "index");
  Index idx = parse_index(bytes, "index " + desc.digest.str());
  for (const auto& child : idx.manifests) {
    if (is_index_media_type(child.media_type)) push_index(c, child, child.digest.str());
    else push_manifest(c, child, child.digest.str());
  }
  std::string mt = idx.media_type.empty() ? desc.media_type : idx.media_type;
  return c.client.put_manifest(reference, bytes, mt.empty() ? media_type::kOciIndex : mt);
}

}  // namespace

PushResult push(const ContentStore& store, const std::string& local_ref, const Reference& dest,
                const PushOptions& options) {
  Descriptor target = find_image(store, local_ref);
  Client client = Client::for_reference(dest, options.client);
  PushContext c{store, client, options};
  std::string reference = dest.tag() || !dest.digest() ? dest.tag_or_default() : *dest.digest();
  PushResult r;
  bool index = ocbuild::is_index_media_type(target.media_type) ||
               ocbuild::is_index_media_type(sniff_media_type(read_document(store, target, "image")));
  r.digest = index ? push_index(c, target, reference) : push_manifest(c, target, reference);
  if (dest.digest() && r.digest.str() != *dest.digest())
    throw Error(ErrorCode::Registry, "pushed " + r.digest.str() + " but the destination names " + *dest.digest());
  r.media_type = target.media_type;
  r.size = target.size;
  r.stats = client.stats();
  return r;
}

}  // namespace ocbuild::registry
