#pragma once
// Content digests ("sha256:<64 hex>") and a streaming SHA-256 hasher.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ocbuild {

class Digest {
 public:
  Digest() = default;
  // Parses "sha256:<64 lowercase hex>"; throws Error(Invalid) otherwise.
  static Digest parse(std::string_view text);
  static std::optional<Digest> try_parse(std::string_view text);
  static Digest from_hex(std::string_view hex);  // sha256 only

  static Digest of(std::string_view bytes);
  static Digest of_file(const std::string& path);  // throws Error(Io)

  const std::string& algorithm() const { return algorithm_; }
  const std::string& hex() const { return hex_; }
  std::string str() const { return algorithm_ + ":" + hex_; }
  bool empty() const { return hex_.empty(); }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  std::string algorithm_;
  std::string hex_;
};

// Streaming SHA-256. Not thread safe; movable, not copyable.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // A tagged field for cache keys: tag, length and bytes, so that two
  // different field lists never hash the same.
  void field(std::string_view tag, std::string_view value);
  uint64_t bytes_hashed() const { return bytes_; }
  // Finishes the hash; the hasher must not be used afterwards.
  Digest finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t bytes_ = 0;
};

}  // namespace ocbuild

template <>
struct std::hash<ocbuild::Digest> {
  size_t operator()(const ocbuild::Digest& d) const noexcept { return std::hash<std::string>()(d.hex()); }
};
