// Client: manifests (GET, HEAD, PUT) and the plumbing shared by blob calls.
#include "ocbuild/registry/client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"
#include "registry/client_impl.h"
#include "registry/http_error.h"

namespace ocbuild::registry {
namespace {

constexpr size_t kMaxManifestBytes = 4 << 20;  // distribution's own limit

std::string content_type(const HttpResponse& resp) {
  std::string ct = resp.header("content-type").value_or("");
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct;
}

// The media type of manifest bytes: Content-Type, else the JSON mediaType.
std::string manifest_media_type(const HttpResponse& resp, const std::string& bytes) {
  std::string ct = content_type(resp);
  if (is_manifest_media_type(ct)) return ct;
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) return j["mediaType"];
  return ct;
}

// What to do about a manifest we cannot read.
std::string media_type_hint(const std::string& mt) {
  if (mt.find("manifest.v1+") != std::string::npos)
    return "(Docker schema 1 images are not supported; re-push the image with a current docker or buildx)";
  return "(expected an OCI or Docker schema 2 manifest or index)";
}

}  // namespace

const char* manifest_accept_header() {
  return "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
         "application/vnd.docker.distribution.manifest.v2+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool is_index_media_type(std::string_view mt) {
  return mt == media_type::kOciIndex || mt == media_type::kDockerManifestList;
}

bool is_manifest_media_type(std::string_view mt) {
  return is_index_media_type(mt) || mt == media_type::kOciManifest || mt == media_type::kDockerManifest;
}

Client::Impl::Impl(std::string d, std::string r, ClientOptions o)
    : domain(std::move(d)),
      repository(std::move(r)),
      chunk_size(o.chunk_size),
      session(domain, SessionOptions{std::move(o.transport), std::move(o.credentials), o.use_credential_store}) {}

std::string Client::Impl::url(const std::string& tail) const {
  return session.base_url() + "/v2/" + repository + "/" + tail;
}

std::string Client::Impl::subject(const std::string& tag_or_digest) const {
  std::string name = domain + "/" + repository;
  if (tag_or_digest.empty()) return name;
  return name + (tag_or_digest.find(':') != std::string::npos ? "@" : ":") + tag_or_digest;
}

std::vector<std::string> Client::Impl::pull_scope() const { return {"repository:" + repository + ":pull"}; }

std::vector<std::string> Client::Impl::push_scope(const std::optional<std::string>& mount_from) const {
  std::vector<std::string> s{"repository:" + repository + ":pull,push"};
  if (mount_from) s.push_back("repository:" + *mount_from + ":pull");
  return s;
}

HttpResponse Client::Impl::expect(HttpRequest r, const std::vector<std::string>& scopes, const std::string& subj,
                                  const std::string& action, std::initializer_list<long> ok) {
  HttpResponse resp = session.send(std::move(r), scopes, subj);
  if (std::find(ok.begin(), ok.end(), resp.status) == ok.end())
    throw_http_error(subj, session.host(), action, resp, session.has_credentials());
  return resp;
}

Client::Client(std::string domain, std::string repository, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(domain), std::move(repository), std::move(options))) {}

Client Client::for_reference(const Reference& ref, ClientOptions options) {
  return Client(ref.domain(), ref.path(), std::move(options));
}

const std::string& Client::domain() const { return impl_->domain; }
const std::string& Client::repository() const { return impl_->repository; }

Manifest Client::get_manifest(const std::string& ref) const {
  std::string subj = impl_->subject(ref);
  HttpRequest r;
  r.url = impl_->url("manifests/" + ref);
  r.headers = {{"Accept", manifest_accept_header()}};
  std::string bytes;
  r.sink = [&](const char* d, size_t n) {
    if (bytes.size() + n > kMaxManifestBytes) throw Error(ErrorCode::Registry, subj + ": manifest larger than 4 MiB");
    bytes.append(d, n);
  };
  r.sink_reset = [&] { bytes.clear(); };
  HttpResponse resp = impl_->expect(std::move(r), impl_->pull_scope(), subj, "pull the manifest", {200});
  Manifest m{bytes, manifest_media_type(resp, bytes), Digest::of(bytes)};
  if (auto pinned = Digest::try_parse(ref); pinned && *pinned != m.digest)
    throw Error(ErrorCode::Registry, subj + ": manifest digest mismatch: the registry served " + m.digest.str() +
                                         "; refusing to use it (check the digest; else the registry or a proxy "
                                         "alters content)");
  if (!is_manifest_media_type(m.media_type))
    throw Error(ErrorCode::Registry, subj + ": unsupported media type '" + m.media_type + "' " + media_type_hint(m.media_type));
  return m;
}

std::optional<Descriptor> Client::head_manifest(const std::string& ref) const {
  std::string subj = impl_->subject(ref);
  HttpRequest r;
  r.method = "HEAD";
  r.url = impl_->url("manifests/" + ref);
  r.headers = {{"Accept", manifest_accept_header()}};
  HttpResponse resp = impl_->expect(std::move(r), impl_->pull_scope(), subj, "look up the manifest", {200, 404});
  if (resp.status == 404) return std::nullopt;
  Descriptor d;
  d.media_type = content_type(resp);
  auto digest = Digest::try_parse(resp.header("docker-content-digest").value_or(""));
  if (!digest) {  // some registries omit the header: fall back to a GET
    Manifest m = get_manifest(ref);
    return Descriptor{m.media_type, m.digest, static_cast<int64_t>(m.bytes.size()), {}, {}, std::nullopt};
  }
  d.digest = *digest;
  d.size = std::stoll(resp.header("content-length").value_or("0"));
  return d;
}

Digest Client::put_manifest(const std::string& ref, std::string_view bytes, const std::string& media_type) const {
  std::string subj = impl_->subject(ref);
  HttpRequest r;
  r.method = "PUT";
  r.url = impl_->url("manifests/" + ref);
  r.headers = {{"Content-Type", media_type}};
  r.body = std::string(bytes);
  HttpResponse resp = impl_->expect(std::move(r), impl_->push_scope(), subj, "push the manifest", {200, 201});
  Digest ours = Digest::of(bytes);
  auto theirs = Digest::try_parse(resp.header("docker-content-digest").value_or(""));
  if (theirs && *theirs != ours)
    throw Error(ErrorCode::Registry, subj + ": manifest digest mismatch: the registry stored " + theirs->str() +
                                         " for bytes that hash to " + ours.str());
  return ours;
}

void Client::verify_login() const {
  HttpRequest r;
  r.url = impl_->session.base_url() + "/v2/";
  impl_->expect(std::move(r), {}, impl_->session.host(), "log in", {200});
}

ClientStats Client::stats() const {
  return {impl_->blobs_uploaded.load(), impl_->bytes_uploaded.load(), impl_->blobs_mounted.load(),
          impl_->blobs_skipped.load(), impl_->session.token_fetches.load()};
}

}  // namespace ocbuild::registry
