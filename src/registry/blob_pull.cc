// Blob HEAD and GET. A GET streams through a Hasher into the caller's sink;
// the sink is committed only after the digest matched, so a tampered or
// truncated blob never becomes visible.
#include <unistd.h>

#include "ocbuild/core/error.h"
#include "ocbuild/registry/client.h"
#include "registry/client_impl.h"

namespace ocbuild::registry {
namespace {

constexpr const char* kRetryHint = " (pull again; if it persists, the registry's copy is corrupt)";

}  // namespace

void FileBlobSink::write(const char* data, size_t size) { file_.write(std::string_view(data, size)); }

void FileBlobSink::reset() {
  if (::ftruncate(file_.fd(), 0) != 0 || ::lseek(file_.fd(), 0, SEEK_SET) != 0)
    throw Error::io("truncate " + file_.temp_path(), errno);
}

std::optional<int64_t> Client::blob_size(const Digest& digest) const {
  std::string subj = impl_->subject(digest.str());
  HttpRequest r;
  r.method = "HEAD";
  r.url = impl_->url("blobs/" + digest.str());
  HttpResponse resp = impl_->expect(std::move(r), impl_->pull_scope(), subj, "look up the blob", {200, 404});
  if (resp.status == 404) return std::nullopt;
  return std::stoll(resp.header("content-length").value_or("0"));
}

void Client::fetch_blob(const Digest& digest, BlobSink& sink) const {
  std::string subj = impl_->subject(digest.str());
  // A sink that verifies on commit hashes anyway: hashing twice costs a core.
  bool own_hash = !sink.verifies_digest();
  auto hasher = std::make_unique<Hasher>();
  HttpRequest r;
  r.url = impl_->url("blobs/" + digest.str());
  r.sink = [&](const char* d, size_t n) {
    if (own_hash) hasher->update(d, n);
    sink.write(d, n);
  };
  r.sink_reset = [&] {
    hasher = std::make_unique<Hasher>();
    sink.reset();
  };
  impl_->expect(std::move(r), impl_->pull_scope(), subj, "pull the blob", {200});
  if (!own_hash) {
    try {
      sink.commit();
    } catch (const Error& e) {
      throw Error(ErrorCode::Registry, subj + ": " + e.what() + "; the download was discarded" + kRetryHint);
    }
    return;
  }
  uint64_t got = hasher->bytes_hashed();
  Digest actual = hasher->finish();
  if (actual != digest) {
    sink.reset();
    throw Error(ErrorCode::Registry, subj + ": blob digest mismatch: the registry served " + std::to_string(got) +
                                         " bytes that hash to " + actual.str() + "; the download was discarded" + kRetryHint);
  }
  sink.commit();
}

}  // namespace ocbuild::registry
