// Format of <store>/url-cache/<sha256 hex of the URL>.json, version 1:
//   {"format":"ocbuild-url-cache-v1","url":U,"etag":E,"digest":"sha256:...","last_modified":N}
// Another format (or a record for another URL: a hash collision) is a miss.
#include "solver/url_cache.h"

#include <nlohmann/json.hpp>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/paths.h"

namespace ocbuild::solver {
namespace {

constexpr const char* kFormat = "ocbuild-url-cache-v1";

std::string dir_of(const std::string& store_root) { return store_root + "/url-cache"; }

std::string path_of(const std::string& store_root, const std::string& url) {
  return dir_of(store_root) + "/" + Digest::of(url).hex() + ".json";
}

}  // namespace

std::optional<UrlCacheEntry> load_url_cache(const std::string& store_root, const std::string& url) {
  std::string text;
  try {
    text = read_file(path_of(store_root, url));
  } catch (const Error&) {
    return std::nullopt;  // no record yet
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kFormat || j.value("url", "") != url) return std::nullopt;
  auto digest = Digest::try_parse(j.value("digest", ""));
  if (!digest || !j.contains("etag") || !j["etag"].is_string()) return std::nullopt;
  return UrlCacheEntry{j["etag"].get<std::string>(), *digest, j.value("last_modified", int64_t{0})};
}

void save_url_cache(const std::string& store_root, const std::string& url, const UrlCacheEntry& entry) {
  make_dirs(dir_of(store_root));
  nlohmann::json j = {{"format", kFormat},
                      {"url", url},
                      {"etag", entry.etag},
                      {"digest", entry.digest.str()},
                      {"last_modified", entry.last_modified}};
  write_file_atomic(path_of(store_root, url), j.dump());
}

}  // namespace ocbuild::solver
