#include "solver/url_source.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/registry/transport.h"
#include "solver/url_cache.h"

namespace ocbuild::solver {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// The --checksum algorithm's running hash (sha256, sha384 or sha512).
class ChecksumHasher {
 public:
  explicit ChecksumHasher(const std::string& algo) : algo_(algo), ctx_(EVP_MD_CTX_new()) {
    const EVP_MD* md = EVP_get_digestbyname(algo.c_str());
    if (!md || !ctx_ || EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1)
      throw Error(ErrorCode::Invalid, "unsupported --checksum algorithm " + algo);
  }
  void update(const char* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), out, &len);
    static const char* hex = "0123456789abcdef";
    std::string text = algo_ + ":";
    for (unsigned i = 0; i < len; ++i) text += {hex[out[i] >> 4], hex[out[i] & 15]};
    return text;
  }

 private:
  std::string algo_;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx_;
};

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Plain HTTP is what the URL asks for: allow it for that host only.
registry::TransportOptions transport_for(const std::string& url) {
  registry::TransportOptions o;
  if (lower(url).starts_with("http://")) o.insecure_hosts.push_back(registry::url_host(url));
  return o;
}

std::string url_path(const std::string& url) {
  size_t scheme = url.find("://");
  size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "";
  size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

bool is_url_source(const std::string& s) {
  std::string l = lower(s);
  return l.starts_with("http://") || l.starts_with("https://");
}

bool is_git_source(const std::string& s) {
  std::string l = lower(s);
  if (l.starts_with("git@") || l.starts_with("git://") || l.starts_with("ssh://")) return true;
  if (!is_url_source(s)) return false;
  std::string path = url_path(s);
  size_t frag = s.find('#');
  return path.ends_with(".git") || (frag != std::string::npos && url_path(s.substr(0, frag)).ends_with(".git"));
}

std::string url_file_name(const std::string& url) {
  std::string path = url_path(url);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return base.empty() || base == "." || base == "/" ? "__unnamed__" : base;
}

std::optional<int64_t> parse_http_date(const std::string& text) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    struct tm tm {};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') return static_cast<int64_t>(::timegm(&tm));
  }
  return std::nullopt;
}

namespace {

// One download into a temp file beside its final name: the bytes, their
// sha256 and the --checksum hash, however they arrive (body, retry, 304).
class Download {
 public:
  Download(std::string tmp, const std::optional<std::string>& checksum) : tmp_(std::move(tmp)), checksum_(checksum) {
    reset();
  }
  const std::string& tmp() const { return tmp_; }

  void reset() {
    fd_.reset(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd_) throw Error::io("create " + tmp_, errno);
    content_ = Hasher();
    if (checksum_) check_.emplace(checksum_->substr(0, checksum_->find(':')));
  }
  void write(const char* data, size_t n) {
    write_all(fd_.get(), data, n, tmp_);
    content_.update(data, n);
    if (check_) check_->update(data, n);
  }
  // The content of an earlier download (a 304), from the store.
  void copy_from(const std::string& path) {
    UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw Error::io("open " + path, errno);
    char buf[1 << 16];
    for (ssize_t n; (n = read_retry(in.get(), buf, sizeof buf)) != 0;) {
      if (n < 0) throw Error::io("read " + path, errno);
      write(buf, size_t(n));
    }
  }
  // The sha256; throws Error(Invalid) naming both digests on a --checksum mismatch.
  Digest finish(const std::string& url) {
    if (::fsync(fd_.get()) != 0) throw Error::io("fsync " + tmp_, errno);
    fd_.reset();
    if (check_) {
      std::string got = check_->finish();
      if (got != *checksum_)
        throw Error(ErrorCode::Invalid, "ADD " + url + ": checksum mismatch: --checksum is " + *checksum_ +
                                            " but the download is " + got);
    }
    return content_.finish();
  }
  void place(const std::string& path, int64_t mtime) {
    if (::chmod(tmp_.c_str(), 0600) != 0) throw Error::io("chmod " + tmp_, errno);
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    if (::utimensat(AT_FDCWD, tmp_.c_str(), times, 0) != 0) throw Error::io("set the mtime of " + tmp_, errno);
    if (::rename(tmp_.c_str(), path.c_str()) != 0) throw Error::io("rename " + tmp_, errno);
  }

 private:
  std::string tmp_;
  std::optional<std::string> checksum_;
  UniqueFd fd_;
  Hasher content_;
  std::optional<ChecksumHasher> check_;
};

registry::HttpResponse send(const registry::HttpRequest& req) {
  try {
    return registry::Transport(transport_for(req.url)).send(req);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Net && e.code() != ErrorCode::Registry) throw;
    throw Error(ErrorCode::Net, "ADD " + req.url + ": " + e.message());
  }
}

}  // namespace

UrlFile fetch_url(const std::string& url, const std::string& dir, const std::optional<std::string>& checksum,
                  std::optional<int64_t> source_date_epoch, ContentStore* store) {
  UrlFile out;
  out.name = url_file_name(url);
  Download dl(dir + "/." + out.name + ".part", checksum);
  std::optional<UrlCacheEntry> cached;
  if (store) cached = load_url_cache(store->root(), url);
  if (cached && !store->has(cached->digest)) cached.reset();
  registry::HttpRequest req;
  req.url = url;
  if (cached) req.headers.emplace_back("If-None-Match", cached->etag);
  req.sink = [&](const char* data, size_t n) { dl.write(data, n); };
  req.sink_reset = [&] { dl.reset(); };  // a retry sends the body again from the start
  registry::HttpResponse resp = send(req);
  bool not_modified = resp.status == 304 && cached;
  if (!not_modified && (resp.status < 200 || resp.status >= 300))
    throw Error(ErrorCode::Net, "ADD " + url + ": HTTP " + std::to_string(resp.status) + " (failed to download)");
  int64_t last_modified = not_modified ? cached->last_modified : 0;
  if (not_modified) dl.copy_from(store->blob_path(cached->digest));
  else if (auto lm = resp.header("last-modified")) last_modified = parse_http_date(*lm).value_or(0);
  out.digest = dl.finish(url);
  auto etag = resp.header("etag");
  if (store && !not_modified && etag) {
    store->ingest_file(dl.tmp(), out.digest);
    save_url_cache(store->root(), url, {*etag, out.digest, last_modified});
  }
  out.mtime = source_date_epoch ? std::min(last_modified, *source_date_epoch) : last_modified;
  dl.place(dir + "/" + out.name, out.mtime);
  return out;
}

UrlDownloads fetch_urls(const std::vector<std::string>& urls, const std::string& dir,
                        const std::optional<std::string>& checksum, std::optional<int64_t> source_date_epoch,
                        ContentStore* store) {
  if (checksum && urls.size() != 1)
    throw Error(ErrorCode::Invalid, "ADD --checksum can't be specified for multiple sources");
  UrlDownloads out;
  for (const auto& url : urls) {
    std::string name = url_file_name(url);
    for (const auto& n : out.names)
      if (n == name) throw Error(ErrorCode::Invalid, "ADD: two URLs download to the same file name " + name);
    UrlFile f = fetch_url(url, dir, checksum, source_date_epoch, store);
    out.names.push_back(f.name);
    out.key += url + " " + f.digest.str() + " " + std::to_string(f.mtime) + "\n";
  }
  return out;
}

}  // namespace ocbuild::solver
