// libcurl transport: one easy handle per attempt, redirects followed by hand,
// transient failures retried with exponential backoff.
#include "ocbuild/registry/transport.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "ocbuild/core/error.h"
#include "curl_api.h"

namespace ocbuild::registry {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_api().easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_api().slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const noexcept { curl_api().url_cleanup(u); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

constexpr size_t kMaxKeptBody = 1 << 20;  // error bodies and unsinked bodies beyond this are cut

// Per-attempt state shared with the curl callbacks.
struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  CURL* curl = nullptr;
  int64_t sent = 0;
  std::exception_ptr callback_error;  // a sink that threw: rethrown after curl returns
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->response.headers.clear();  // a new response (after 100 Continue)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  auto first = value.find_first_not_of(" \t");
  auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  ex->response.headers.emplace(std::move(name), std::move(value));
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  long status = 0;
  curl_api().easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &status);
  size_t len = size * n;
  if (ex->request->sink && status >= 200 && status < 300) {
    try {
      ex->request->sink(data, len);
    } catch (...) {
      // Exceptions must not unwind through libcurl's C frames.
      ex->callback_error = std::current_exception();
      return 0;  // aborts the transfer
    }
    return len;
  }
  if (ex->response.body.size() < kMaxKeptBody)
    ex->response.body.append(data, std::min(len, kMaxKeptBody - ex->response.body.size()));
  return len;
}

size_t on_read(char* buf, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const HttpRequest& r = *ex->request;
  int64_t left = (r.body_fd >= 0 ? r.body_size : static_cast<int64_t>(r.body.size())) - ex->sent;
  size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(size * n)));
  if (want == 0) return 0;
  if (r.body_fd < 0) {
    std::copy_n(r.body.data() + ex->sent, want, buf);
  } else {
    ssize_t got;
    do got = ::pread(r.body_fd, buf, want, r.body_offset + ex->sent);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return CURL_READFUNC_ABORT;
    want = static_cast<size_t>(got);
  }
  ex->sent += static_cast<int64_t>(want);
  return want;
}

bool transient_status(long status) { return status == 429 || status == 500 || status == 502 || status == 503 || status == 504; }

bool transient_curl(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT: case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2: case CURLE_HTTP2_STREAM: case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

// Resolves a Location header against the URL it came from.
std::string resolve_location(const std::string& base, const std::string& location) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_api().url());
  char* out = nullptr;
  if (!u || curl_api().url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_api().url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK ||
      curl_api().url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK)
    throw Error(ErrorCode::Registry, "bad redirect from " + url_host(base) + " to '" + location + "'");
  std::string s(out);
  curl_api().free(out);
  return s;
}

// A curl failure that is worth a retry, carried out of send_once.
struct CurlFailure {
  CURLcode code;
  std::string detail;
  long os_errno = 0;
};

bool tls_failure(CURLcode c) {
  switch (c) {
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH: case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CRL_BADFILE:
      return true;
    default:
      return false;
  }
}

// "host" of "host:port" ("[::1]" of "[::1]:5000").
std::string host_name(const std::string& host) {
  size_t colon = host.rfind(':');
  if (colon == std::string::npos || host.back() == ']') return host;
  return host.substr(0, colon);
}

// One line saying what went wrong and what to do: "cannot reach HOST: ..."
// for the network, "TLS failure with HOST: ..." for certificates.
std::string describe_failure(const std::string& host, const CurlFailure& f) {
  if (tls_failure(f.code))
    return "TLS failure with " + host + ": " + f.detail + "; if " + host +
           " uses a self-signed or private certificate, pass --tls-verify=false or --insecure-registry " + host;
  if (f.code == CURLE_COULDNT_RESOLVE_HOST)
    return "cannot reach " + host + ": DNS lookup of '" + host_name(host) + "' failed; check the name and your network";
  if (f.code == CURLE_COULDNT_CONNECT && f.os_errno == ECONNREFUSED)
    return "cannot reach " + host + ": connection refused (is it running, and is the port right?)";
  if (f.code == CURLE_OPERATION_TIMEDOUT) return "cannot reach " + host + ": timed out (" + f.detail + ")";
  return "cannot reach " + host + ": " + f.detail + " (is it running and is the address right?)";
}

void check_scheme(const std::string& url, const TransportOptions& o) {
  if (url.rfind("http://", 0) == 0 && !plain_http_allowed(url_host(url), o))
    throw Error(ErrorCode::Registry, "refusing plain HTTP to " + url_host(url) +
                                         ": only loopback hosts or hosts marked insecure may use http://");
}

void apply_body(CURL* c, const HttpRequest& r) {
  int64_t size = r.body_fd >= 0 ? r.body_size : static_cast<int64_t>(r.body.size());
  if (r.method == "HEAD") {
    curl_api().easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST") {
    curl_api().easy_setopt(c, CURLOPT_POST, 1L);
    curl_api().easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
  } else if (r.method == "PUT" || r.method == "PATCH") {
    curl_api().easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_api().easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    if (r.method == "PATCH") curl_api().easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (r.method != "GET") {
    curl_api().easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
}

}  // namespace

Transport::Transport(TransportOptions options) : options_(std::move(options)) {}  // libcurl loads on the first request

HttpResponse Transport::send_once(const HttpRequest& r) const {
  CurlPtr c(curl_api().easy_init());
  if (!c) throw Error(ErrorCode::Internal, "curl_easy_init failed");
  Exchange ex;
  ex.request = &r;
  ex.curl = c.get();
  curl_slist* raw = nullptr;
  for (const auto& [k, v] : r.headers) raw = curl_api().slist_append(raw, (k + ": " + v).c_str());
  if (r.authorization) raw = curl_api().slist_append(raw, ("Authorization: " + *r.authorization).c_str());
  raw = curl_api().slist_append(raw, "Expect:");
  SlistPtr headers(raw);
  CURL* h = c.get();
  curl_api().easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_api().easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_api().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_api().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_api().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.low_speed_seconds);
  curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_api().easy_setopt(h, CURLOPT_HEADERDATA, &ex);
  curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_api().easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_api().easy_setopt(h, CURLOPT_READFUNCTION, on_read);
  curl_api().easy_setopt(h, CURLOPT_READDATA, &ex);
  bool insecure_host = std::find(options_.insecure_hosts.begin(), options_.insecure_hosts.end(),
                                 url_host(r.url)) != options_.insecure_hosts.end();
  if (!options_.tls_verify || insecure_host) {
    curl_api().easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_api().easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    if (options_.warn && r.url.rfind("https://", 0) == 0)
      options_.warn("TLS certificate verification is disabled for " + url_host(r.url));
  }
  apply_body(h, r);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_api().easy_perform(h);
  if (ex.callback_error) std::rethrow_exception(ex.callback_error);
  if (rc != CURLE_OK) {
    long os_errno = 0;
    curl_api().easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    throw CurlFailure{rc, errbuf[0] ? errbuf : curl_api().easy_strerror(rc), os_errno};
  }
  curl_api().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ex.response.status);
  ex.response.url = r.url;
  return std::move(ex.response);
}

HttpResponse Transport::follow(HttpRequest r) const {
  const std::string origin = url_host(r.url);
  for (int hop = 0;; ++hop) {
    check_scheme(r.url, options_);
    HttpResponse resp = send_once(r);
    bool redirect = resp.status == 301 || resp.status == 302 || resp.status == 303 ||
                    resp.status == 307 || resp.status == 308;
    auto location = resp.header("location");
    if (!r.follow_redirects || !redirect || !location) return resp;
    if (hop >= options_.max_redirects)
      throw Error(ErrorCode::Registry, "too many redirects from " + origin);
    r.url = resolve_location(r.url, *location);
    // Blob storage (S3, a CDN) must never see the registry's credentials.
    if (url_host(r.url) != origin) r.authorization.reset();
    if (resp.status == 303) r.method = r.method == "HEAD" ? "HEAD" : "GET";
  }
}

HttpResponse Transport::send(const HttpRequest& request) const {
  HttpRequest r = request;
  bool touched = false;
  if (request.sink)
    r.sink = [&](const char* d, size_t n) {
      touched = true;
      request.sink(d, n);
    };
  auto backoff = options_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    touched = false;
    // Bytes already given to a sink that cannot be rewound make a retry unsafe.
    auto is_last = [&] { return attempt >= std::max(1, options_.max_attempts) || (touched && !request.sink_reset); };
    try {
      HttpResponse resp = follow(r);
      if (!transient_status(resp.status) || is_last()) return resp;
    } catch (const CurlFailure& f) {
      if (is_last() || !transient_curl(f.code))
        throw Error(ErrorCode::Net, describe_failure(url_host(request.url), f));
    }
    if (touched) request.sink_reset();
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

}  // namespace ocbuild::registry
