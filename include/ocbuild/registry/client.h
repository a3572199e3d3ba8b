#pragma once
// The OCI distribution client: manifests and blobs of one repository on one
// registry, as bytes and file descriptors (the content store is the caller's).
// In: a registry host, a repository path, options. Out: manifest bytes with
// their media type and locally computed digest; blobs streamed into a
// BlobSink and committed only once their digest is verified; uploads.
// Thread safety: every method may be called from several threads at once on
// one Client (tokens are cached behind a mutex, counters are atomic);
// copies share the session and its token cache.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"
#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/platform_select.h"
#include "ocbuild/registry/blob_sink.h"
#include "ocbuild/registry/reference.h"
#include "ocbuild/registry/transport.h"

namespace ocbuild::registry {

struct ClientOptions {
  TransportOptions transport;
  // Explicit credentials; without them the config files are consulted
  // (unless use_credential_store is false).
  std::optional<Credentials> credentials;
  bool use_credential_store = true;
  // > 0: blobs larger than this are uploaded in PATCH chunks of this size.
  int64_t chunk_size = 0;
};

struct Manifest {
  std::string bytes;
  std::string media_type;
  Digest digest;  // computed from bytes
};

// An image manifest chosen for a platform, and the index it came from.
struct ResolvedImage {
  Manifest manifest;
  std::optional<Manifest> index;
};

enum class BlobPushResult { AlreadyExists, Mounted, Uploaded };

struct ClientStats {
  int blobs_uploaded = 0;
  int64_t bytes_uploaded = 0;
  int blobs_mounted = 0;
  int blobs_skipped = 0;  // already in the repository
  int token_fetches = 0;
};

// The Accept header value for manifests: OCI manifest and index, Docker
// schema 2 manifest and manifest list.
const char* manifest_accept_header();
bool is_manifest_media_type(std::string_view media_type);
bool is_index_media_type(std::string_view media_type);

class Client {
 public:
  Client(std::string domain, std::string repository, ClientOptions options = {});
  static Client for_reference(const Reference& ref, ClientOptions options = {});

  const std::string& domain() const;
  const std::string& repository() const;

  // GET a manifest by tag or "sha256:..." digest. A digest reference is
  // checked against the bytes served. Throws Error(Registry) for not found,
  // unauthorized, digest mismatch, unsupported media type; Error(Net) when
  // the registry is unreachable.
  Manifest get_manifest(const std::string& tag_or_digest) const;
  // GET tag_or_digest; when it is an index or manifest list, picks the entry
  // for `platform` (ocbuild::choose_manifest) and GETs that by digest.
  // Throws Error(NotFound) "image NAME has no PLATFORM manifest (has: ...)"
  // when none fits. A plain manifest is returned as is: its config decides
  // (see pull()).
  ResolvedImage resolve(const std::string& tag_or_digest, const Platform& platform) const;
  // HEAD: nullopt when the manifest does not exist.
  std::optional<Descriptor> head_manifest(const std::string& tag_or_digest) const;
  // PUT with Content-Type `media_type`; returns the manifest's digest.
  Digest put_manifest(const std::string& tag_or_digest, std::string_view bytes, const std::string& media_type) const;

  // HEAD a blob: its size, or nullopt when the repository lacks it.
  std::optional<int64_t> blob_size(const Digest& digest) const;
  // Streams a blob into `sink`; commits it only when the bytes hash to
  // `digest`, else throws Error(Registry, "... digest mismatch ...").
  void fetch_blob(const Digest& digest, BlobSink& sink) const;
  // Uploads `size` bytes of `fd` (read with pread from offset 0) as `digest`.
  // Skips the upload when the blob exists; tries a cross-repository mount
  // from `mount_from` (a repository path on the same registry) first.
  BlobPushResult push_blob(const Digest& digest, int fd, int64_t size,
                           const std::optional<std::string>& mount_from = std::nullopt) const;

  // Checks that the registry accepts this client's credentials (GET /v2/).
  // Throws Error(Registry) "unauthorized ..." when it does not.
  void verify_login() const;

  ClientStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ocbuild::registry
