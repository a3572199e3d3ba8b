// Blob upload: HEAD (skip what is there), cross-repository mount, then POST
// to open an upload session and either one monolithic PUT or PATCH chunks
// followed by a closing PUT.
#include <algorithm>

#include "ocbuild/core/error.h"
#include "ocbuild/registry/client.h"
#include "registry/client_impl.h"

namespace ocbuild::registry {
namespace {

std::string query_digest(const Digest& d) { return d.algorithm() + "%3A" + d.hex(); }

std::string absolute_location(const Session& s, const HttpResponse& resp, const std::string& subject) {
  auto loc = resp.header("location");
  if (!loc || loc->empty())
    throw Error(ErrorCode::Registry, subject + ": the registry opened an upload without a Location header");
  if (loc->rfind("http://", 0) == 0 || loc->rfind("https://", 0) == 0) return *loc;
  return s.base_url() + (loc->front() == '/' ? "" : "/") + *loc;
}

std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

}  // namespace

BlobPushResult Client::push_blob(const Digest& digest, int fd, int64_t size,
                                 const std::optional<std::string>& mount_from) const {
  Impl& im = *impl_;
  std::string subj = im.subject(digest.str());
  if (blob_size(digest)) {
    ++im.blobs_skipped;
    return BlobPushResult::AlreadyExists;
  }
  auto scopes = im.push_scope(mount_from);
  HttpRequest open;
  open.method = "POST";
  open.url = im.url("blobs/uploads/");
  if (mount_from) open.url += "?mount=" + query_digest(digest) + "&from=" + *mount_from;
  HttpResponse opened = im.expect(open, scopes, subj, "start the blob upload", {201, 202});
  if (opened.status == 201) {
    ++im.blobs_mounted;
    return BlobPushResult::Mounted;
  }
  std::string location = absolute_location(im.session, opened, subj);

  int64_t offset = 0;
  if (im.chunk_size > 0 && size > im.chunk_size) {
    for (; offset < size; offset += im.chunk_size) {
      int64_t n = std::min(im.chunk_size, size - offset);
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.headers = {{"Content-Type", "application/octet-stream"},
                       {"Content-Range", std::to_string(offset) + "-" + std::to_string(offset + n - 1)}};
      patch.body_fd = fd;
      patch.body_offset = offset;
      patch.body_size = n;
      HttpResponse sent = im.expect(patch, scopes, subj, "upload a blob chunk", {202});
      location = absolute_location(im.session, sent, subj);
    }
  }
  HttpRequest put;
  put.method = "PUT";
  put.url = with_param(location, "digest=" + query_digest(digest));
  put.headers = {{"Content-Type", "application/octet-stream"}};
  put.body_fd = offset < size ? fd : -1;
  put.body_offset = offset;
  put.body_size = size - offset;
  im.expect(put, scopes, subj, "finish the blob upload", {201, 204});
  ++im.blobs_uploaded;
  im.bytes_uploaded += size;
  return BlobPushResult::Uploaded;
}

}  // namespace ocbuild::registry
