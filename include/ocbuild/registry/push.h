#pragma once
// Push: a local image (tag, name@digest or digest) in, a manifest digest on a
// registry out. Layers go first (several at once), then the config, then the
// manifest with its own media type; for an index every platform manifest is
// pushed by digest and the index last, under the destination's tag. Blobs the
// repository already has are skipped (HEAD); a blob pulled earlier from
// another repository of the same registry is mounted rather than uploaded.
// Throws Error(NotFound) for a missing local image or blob, and the client's
// Error(Registry) / Error(Net).
#include <functional>
#include <string>

#include "ocbuild/core/content_store.h"
#include "ocbuild/registry/client.h"
#include "ocbuild/registry/reference.h"

namespace ocbuild::registry {

struct PushOptions {
  ClientOptions client;
  int parallel_uploads = 4;
  bool cross_repository_mount = true;
  // Called from upload threads (serialize your output) once per blob.
  std::function<void(const Descriptor& blob, BlobPushResult how)> progress;
};

struct PushResult {
  Digest digest;           // of the manifest or index under the destination
  std::string media_type;
  int64_t size = 0;
  ClientStats stats;       // what the client did (uploads, skips, mounts)
};

PushResult push(const ContentStore& store, const std::string& local_ref, const Reference& destination,
                const PushOptions& options = {});

}  // namespace ocbuild::registry
