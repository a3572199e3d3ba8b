// Which hosts may be spoken to over plain HTTP, and small URL helpers.
#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "ocbuild/registry/transport.h"

namespace ocbuild::registry {
namespace {

// Splits "host:port", "[v6]:port", "host" into the bare host.
std::string bare_host(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1));
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos)
    return std::string(host.substr(0, colon));
  return std::string(host);  // no port, or an unbracketed IPv6 address
}

bool is_loopback(const std::string& host) {
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "localhost" || lower.ends_with(".localhost")) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, lower.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, lower.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace

bool plain_http_allowed(std::string_view host, const TransportOptions& options) {
  if (is_loopback(bare_host(host))) return true;
  for (const auto& h : options.insecure_hosts)
    if (h == host || h == bare_host(host)) return true;
  return false;
}

std::string registry_base_url(std::string_view host, const TransportOptions& options) {
  // Like docker, a host marked insecure is tried over HTTPS (unverified)
  // first; the Session falls back to plain HTTP when that fails.
  (void)options;
  return (is_loopback(bare_host(host)) ? "http://" : "https://") + std::string(host);
}

std::string url_host(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string out(authority);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> HttpResponse::header_values(const std::string& lower_name) const {
  std::vector<std::string> out;
  auto [b, e] = headers.equal_range(lower_name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

}  // namespace ocbuild::registry
