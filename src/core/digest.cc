#include "ocbuild/core/digest.h"

#include <openssl/evp.h>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"

namespace ocbuild {
namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

struct EvpCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::optional<Digest> Digest::try_parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto algo = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  if (algo != "sha256" || hex.size() != 64 || !is_lower_hex(hex)) return std::nullopt;
  Digest d;
  d.algorithm_ = std::string(algo);
  d.hex_ = std::string(hex);
  return d;
}

Digest Digest::parse(std::string_view text) {
  auto d = try_parse(text);
  if (!d) throw Error(ErrorCode::Invalid, "invalid digest \"" + std::string(text) + "\"");
  return *d;
}

Digest Digest::from_hex(std::string_view hex) { return parse("sha256:" + std::string(hex)); }

Digest Digest::of(std::string_view bytes) {
  Hasher h;
  h.update(bytes);
  return h.finish();
}

Digest Digest::of_file(const std::string& path) {
  UniqueFd fd = open_readonly(path);
  Hasher h;
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = read_retry(fd.get(), buf.data(), buf.size());
    if (n < 0) throw Error::io("read " + path, errno);
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
  }
  return h.finish();
}

struct Hasher::Impl {
  std::unique_ptr<EVP_MD_CTX, EvpCtxDeleter> ctx{EVP_MD_CTX_new()};
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::Internal, "cannot initialise SHA-256");
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, size_t size) {
  EVP_DigestUpdate(impl_->ctx.get(), data, size);
  bytes_ += size;
}

void Hasher::field(std::string_view tag, std::string_view value) {
  std::string header = std::string(tag) + "\x1f" + std::to_string(value.size()) + "\x1f";
  update(header);
  update(value);
}

Digest Hasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), out, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return Digest::from_hex(hex);
}

}  // namespace ocbuild
