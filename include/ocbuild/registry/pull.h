#pragma once
// Pull: an image reference in, an image in the ContentStore out. The manifest
// (and, for an index or manifest list, the index too) is fetched, the entry
// for the wanted platform chosen, and the config and layer blobs streamed
// straight into the store (verified before they become visible), several at
// once. Blobs the store already has are not fetched. Only when every blob is
// in place is the image tagged under its familiar name ("busybox:latest",
// "127.0.0.1:5000/app:1"); a failure tags nothing and leaves no partial blob.
// A reference naming a plain manifest (not an index) is pulled only when its
// config's os/architecture match the platform: the config is fetched and
// checked before any layer.
// Throws Error(Registry) / Error(Net) from the client, Error(Registry) on a
// digest mismatch, Error(NotFound) when the image has no manifest for the
// platform.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/image_lookup.h"
#include "ocbuild/registry/client.h"
#include "ocbuild/registry/reference.h"

namespace ocbuild::registry {

// Called from download threads (serialize your output): the blob and how many
// of its bytes have arrived so far. `done` == blob.size at the end; a blob
// the store already had is reported once with done == blob.size and
// cached == true.
using BlobProgress = std::function<void(const Descriptor& blob, int64_t done, bool cached)>;

struct PullOptions {
  ClientOptions client;
  std::optional<Platform> platform;  // default: ocbuild::host_platform()
  int parallel_downloads = 4;
  BlobProgress progress;
  bool tag = true;  // false: store the blobs, tag nothing
  // Told when an image's config names no os/architecture (it is pulled anyway).
  WarningSink warn;
};

struct PullResult {
  Digest digest;               // what the reference named: the index or the manifest
  Descriptor manifest;         // the platform's image manifest (with its platform)
  std::optional<Descriptor> index;
  std::string ref_name;        // the local tag written; "" for a digest-only reference
  int blobs_fetched = 0;
  int blobs_present = 0;       // already in the store
  int64_t bytes_fetched = 0;
};

PullResult pull(ContentStore& store, const Reference& ref, const PullOptions& options = {});

// The store's tag for a reference: familiar name + ":" + tag ("busybox:latest");
// nullopt for a reference with a digest and no tag.
std::optional<std::string> local_ref_name(const Reference& ref);

}  // namespace ocbuild::registry
