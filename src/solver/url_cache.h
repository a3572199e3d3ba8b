#pragma once
// What the last download of a URL returned, so that the next build can ask
// with If-None-Match and reuse the content on a 304 (the content itself is
// a blob in the content store; a record whose blob is gone is ignored).
// One JSON file per URL under <store>/url-cache, written atomically.
#include <cstdint>
#include <optional>
#include <string>

#include "ocbuild/core/digest.h"

namespace ocbuild::solver {

struct UrlCacheEntry {
  std::string etag;
  Digest digest;               // sha256 of the content (a blob in the store)
  int64_t last_modified = 0;   // seconds, 0 without a Last-Modified
};

// nullopt when there is no record, or it is unreadable or of another format.
std::optional<UrlCacheEntry> load_url_cache(const std::string& store_root, const std::string& url);
// Throws Error(Io) when the record cannot be written.
void save_url_cache(const std::string& store_root, const std::string& url, const UrlCacheEntry& entry);

}  // namespace ocbuild::solver
