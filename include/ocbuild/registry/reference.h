#pragma once
// Image references with Docker's grammar and normalization rules
// (distribution/reference): "busybox" means docker.io/library/busybox:latest.
#include <optional>
#include <string>
#include <string_view>

namespace ocbuild::registry {

class Reference {
 public:
  // Parses and normalizes; throws Error(Invalid) naming what is wrong.
  static Reference parse(std::string_view text);
  static std::optional<Reference> try_parse(std::string_view text);

  const std::string& domain() const { return domain_; }  // "docker.io", "127.0.0.1:5000"
  const std::string& path() const { return path_; }      // "library/busybox"
  const std::optional<std::string>& tag() const { return tag_; }
  const std::optional<std::string>& digest() const { return digest_; }

  // domain/path, e.g. "docker.io/library/busybox".
  std::string name() const { return domain_ + "/" + path_; }
  // The full normalized form; tag "latest" is added when neither tag nor
  // digest is given: "docker.io/library/busybox:latest".
  std::string str() const;
  // Docker's short form: "busybox:latest", "127.0.0.1:5000/app:1".
  std::string familiar() const;
  // The tag, or "latest" when there is neither tag nor digest.
  std::string tag_or_default() const;

  Reference with_tag(std::string tag) const;
  Reference with_digest(std::string digest) const;

  friend bool operator==(const Reference&, const Reference&) = default;

 private:
  std::string domain_;
  std::string path_;
  std::optional<std::string> tag_;
  std::optional<std::string> digest_;
};

inline constexpr const char* kDefaultDomain = "docker.io";

}  // namespace ocbuild::registry
