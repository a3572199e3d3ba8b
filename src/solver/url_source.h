#pragma once
// ADD <url>: the http(s) source of BuildKit's dockerfile2llb. The file is
// fetched on every build (the cache key is its content digest, or the
// --checksum), named after the URL path's last segment ("__unnamed__" when
// it has none), mode 0600, owned by root, its mtime from Last-Modified (0
// without one) and never extracted. Git sources are refused.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocbuild/core/content_store.h"
#include "ocbuild/core/digest.h"

namespace ocbuild::solver {

// http:// or https:// (what ADD downloads).
bool is_url_source(const std::string& source);
// git@host:repo, git:// or a URL ending in ".git" (ADD of a git repository).
bool is_git_source(const std::string& source);

// The file name BuildKit gives a URL's download: path.Base of the URL path.
std::string url_file_name(const std::string& url);

// "Last-Modified" in any of the three HTTP date formats (RFC 7231), as
// seconds since the epoch; nullopt when it does not parse.
std::optional<int64_t> parse_http_date(const std::string& text);

struct UrlFile {
  std::string name;   // url_file_name()
  Digest digest;      // sha256 of the content
  int64_t mtime = 0;  // Last-Modified, clamped to source_date_epoch
};

// Downloads `url` into `dir`/<name> (written to a temp name, then renamed)
// with mode 0600 and its mtime. With a `store`, a URL that sent an ETag is
// asked again with If-None-Match and a 304 reuses the stored content
// (url_cache.h). `checksum` ("sha256:<hex>", also sha384 or
// sha512) must match the content. Throws Error(Net) naming the URL and the
// HTTP status for a failed request, Error(Invalid) naming the URL and both
// digests for a checksum mismatch.
UrlFile fetch_url(const std::string& url, const std::string& dir, const std::optional<std::string>& checksum,
                  std::optional<int64_t> source_date_epoch, ContentStore* store = nullptr);

// Every URL of one ADD fetched into `dir`: the file names (in order, to
// select from `dir`) and a cache-key field naming each URL's digest and mtime.
// Throws as fetch_url, and Error(Invalid) for --checksum with several URLs
// or two URLs with the same file name.
struct UrlDownloads {
  std::vector<std::string> names;
  std::string key;
};
UrlDownloads fetch_urls(const std::vector<std::string>& urls, const std::string& dir,
                        const std::optional<std::string>& checksum, std::optional<int64_t> source_date_epoch,
                        ContentStore* store = nullptr);

}  // namespace ocbuild::solver
