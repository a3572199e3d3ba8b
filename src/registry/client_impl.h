#pragma once
// Shared state of a Client and its copies (private to the registry module).
#include <atomic>
#include <string>
#include <vector>

#include "ocbuild/registry/client.h"
#include "registry/session.h"

namespace ocbuild::registry {

struct Client::Impl {
  Impl(std::string d, std::string r, ClientOptions o);

  std::string domain;
  std::string repository;
  int64_t chunk_size;
  Session session;
  std::atomic<int> blobs_uploaded{0};
  std::atomic<int64_t> bytes_uploaded{0};
  std::atomic<int> blobs_mounted{0};
  std::atomic<int> blobs_skipped{0};

  std::string url(const std::string& tail) const;  // base + "/v2/<repo>/" + tail
  std::string subject(const std::string& tag_or_digest) const;
  std::vector<std::string> pull_scope() const;
  std::vector<std::string> push_scope(const std::optional<std::string>& mount_from = std::nullopt) const;
  // Sends and throws the clear error for any status not in `ok`.
  HttpResponse expect(HttpRequest r, const std::vector<std::string>& scopes, const std::string& subject,
                      const std::string& action, std::initializer_list<long> ok);
};

}  // namespace ocbuild::registry
