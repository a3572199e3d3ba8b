#pragma once
// HTTP transport for the distribution client: one request in, one response
// out, over libcurl with OpenSSL. HTTPS with the system CAs by default; plain
// HTTP only for loopback hosts or hosts marked insecure. Redirects are
// followed by hand so that the Authorization header is dropped when the
// redirect leaves the registry's host. Transient failures (5xx, 429, resets,
// timeouts) are retried with exponential backoff.
// Thread safety: a Transport is immutable after construction and each send()
// uses its own curl handle, so one Transport may be shared by many threads.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocbuild::registry {

struct TransportOptions {
  // Hosts ("host" or "host:port") allowed over plain HTTP (and with TLS
  // verification off when they do speak HTTPS).
  std::vector<std::string> insecure_hosts;
  // false: HTTPS without certificate verification (--tls-verify=false).
  bool tls_verify = true;
  // Told once per request made without verification. Never gets secrets.
  std::function<void(const std::string&)> warn;
  int max_attempts = 4;  // total tries for a transient failure
  std::chrono::milliseconds initial_backoff{200};
  long connect_timeout_seconds = 30;
  // A transfer slower than 1 byte/s for this long is aborted (and retried).
  long low_speed_seconds = 60;
  int max_redirects = 10;
  std::string user_agent = "ocbuild/0.1.0";
};

// True when `host` ("host[:port]", "[::1]:5000") may be spoken to over plain
// HTTP: loopback (localhost, 127.0.0.0/8, ::1) or listed as insecure.
bool plain_http_allowed(std::string_view host, const TransportOptions& options);
// "http://host" for loopback hosts, else "https://host" (a host marked
// insecure too: the Session tries HTTPS unverified, then plain HTTP).
std::string registry_base_url(std::string_view host, const TransportOptions& options);
// The "host[:port]" part of an absolute URL ("" when it has none).
std::string url_host(std::string_view url);

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent only to the host of `url`; dropped when a redirect leaves it.
  std::optional<std::string> authorization;
  // The request body: bytes, or `body_size` bytes of `body_fd` from
  // `body_offset` (read with pread, so the fd can be shared).
  std::string body;
  int body_fd = -1;
  int64_t body_offset = 0;
  int64_t body_size = 0;
  // When set, a 2xx response body is streamed here instead of being kept.
  // `sink_reset` is called before a retry that would send the body again;
  // without it, a failure after the first byte reached the sink is final.
  std::function<void(const char*, size_t)> sink;
  std::function<void()> sink_reset;
  bool follow_redirects = true;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;  // error bodies are kept (capped) even with a sink
  std::string url;   // after redirects
  std::optional<std::string> header(const std::string& lower_name) const;
  std::vector<std::string> header_values(const std::string& lower_name) const;
};

class Transport {
 public:
  explicit Transport(TransportOptions options = {});
  const TransportOptions& options() const { return options_; }
  // Sends a request; returns any HTTP status (4xx included). Throws
  // Error(Net) naming the host when it cannot be reached after retries, and
  // Error(Registry) for a refused plain-HTTP URL.
  HttpResponse send(const HttpRequest& request) const;

 private:
  HttpResponse send_once(const HttpRequest& request) const;
  HttpResponse follow(HttpRequest request) const;
  TransportOptions options_;
};

}  // namespace ocbuild::registry
