#include "solver/url_source.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <memory>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "ocbuild/registry/transport.h"

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

UrlFile fetch_url(const std::string& url, const std::string& dir, const std::optional<std::string>& checksum,
                  std::optional<int64_t> source_date_epoch) {
  UrlFile out;
  out.name = url_file_name(url);
  std::string tmp = dir + "/." + out.name + ".part", path = dir + "/" + out.name;
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) throw Error::io("create " + tmp, errno);
  Hasher content;
  std::optional<ChecksumHasher> check;
  if (checksum) check.emplace(checksum->substr(0, checksum->find(':')));
  registry::HttpRequest req;
  req.url = url;
  req.sink = [&](const char* data, size_t n) {
    write_all(fd.get(), data, n, tmp);
    content.update(data, n);
    if (check) check->update(data, n);
  };
  req.sink_reset = [&] {  // a retry sends the body again from the start
    if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) throw Error::io("truncate " + tmp, errno);
    content = Hasher();
    if (checksum) check.emplace(checksum->substr(0, checksum->find(':')));
  };
  registry::HttpResponse resp;
  try {
    resp = registry::Transport(transport_for(url)).send(req);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Net && e.code() != ErrorCode::Registry) throw;
    throw Error(ErrorCode::Net, "ADD " + url + ": " + e.message());
  }
  if (resp.status < 200 || resp.status >= 300)
    throw Error(ErrorCode::Net, "ADD " + url + ": HTTP " + std::to_string(resp.status) + " (failed to download)");
  out.digest = content.finish();
  if (check) {
    std::string got = check->finish();
    if (got != *checksum)
      throw Error(ErrorCode::Invalid, "ADD " + url + ": checksum mismatch: --checksum is " + *checksum +
                                          " but the download is " + got);
  }
  if (::fsync(fd.get()) != 0) throw Error::io("fsync " + tmp, errno);
  fd.reset();
  if (auto lm = resp.header("last-modified")) out.mtime = parse_http_date(*lm).value_or(0);
  if (source_date_epoch && out.mtime > *source_date_epoch) out.mtime = *source_date_epoch;
  if (::chmod(tmp.c_str(), 0600) != 0) throw Error::io("chmod " + tmp, errno);
  struct timespec times[2] = {{out.mtime, 0}, {out.mtime, 0}};
  if (::utimensat(AT_FDCWD, tmp.c_str(), times, 0) != 0) throw Error::io("set the mtime of " + tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw Error::io("rename " + tmp, errno);
  return out;
}

UrlDownloads fetch_urls(const std::vector<std::string>& urls, const std::string& dir,
                        const std::optional<std::string>& checksum, std::optional<int64_t> source_date_epoch) {
  if (checksum && urls.size() != 1)
    throw Error(ErrorCode::Invalid, "ADD --checksum can't be specified for multiple sources");
  UrlDownloads out;
  for (const auto& url : urls) {
    std::string name = url_file_name(url);
    for (const auto& n : out.names)
      if (n == name) throw Error(ErrorCode::Invalid, "ADD: two URLs download to the same file name " + name);
    UrlFile f = fetch_url(url, dir, checksum, source_date_epoch);
    out.names.push_back(f.name);
    out.key += url + " " + f.digest.str() + " " + std::to_string(f.mtime) + "\n";
  }
  return out;
}

}  // namespace ocbuild::solver
