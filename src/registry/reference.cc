#include "ocbuild/registry/reference.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {
namespace {

// The grammar of distribution/reference, anchored.
const std::regex& reference_regex() {
  static const std::string alnum = "[a-z0-9]+";
  static const std::string separator = "(?:[._]|__|[-]+)";
  static const std::string path_component = alnum + "(?:" + separator + alnum + ")*";
  static const std::string domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  static const std::string ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
  static const std::string host = "(?:" + domain_component + "(?:\\." + domain_component + ")*|" + ipv6 + ")";
  static const std::string domain = host + "(?::[0-9]+)?";
  static const std::string name = "((?:" + domain + "/)?" + path_component + "(?:/" + path_component + ")*)";
  static const std::string tag = "[\\w][\\w.-]{0,127}";
  static const std::string digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
  static const std::regex re("^" + name + "(?::(" + tag + "))?(?:@(" + digest + "))?$");
  return re;
}

bool is_64_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Error invalid(std::string_view text, const std::string& why) {
  return Error(ErrorCode::Invalid, "invalid reference \"" + std::string(text) + "\": " + why);
}

// Docker's splitDockerDomain: the first component is a registry only when it
// looks like a host (has '.' or ':', or is "localhost") or has uppercase.
void split_domain(const std::string& name, std::string& domain, std::string& path) {
  auto slash = name.find('/');
  std::string first = slash == std::string::npos ? "" : name.substr(0, slash);
  if (slash == std::string::npos ||
      (first.find_first_of(".:") == std::string::npos && first != "localhost" && lower(first) == first)) {
    domain = kDefaultDomain;
    path = name;
  } else {
    domain = first;
    path = name.substr(slash + 1);
  }
  if (domain == "index.docker.io") domain = kDefaultDomain;
  if (domain == kDefaultDomain && path.find('/') == std::string::npos) path = "library/" + path;
}

}  // namespace

Reference Reference::parse(std::string_view text) {
  if (text.empty()) throw invalid(text, "repository name must have at least one component");
  if (is_64_hex(text)) throw invalid(text, "cannot specify 64-byte hexadecimal strings as a repository name");
  std::string s(text);
  std::string full_name;
  std::smatch m;
  // Lower-case the would-be domain before matching, so "Example.com/x" works
  // and only an uppercase repository path is an error.
  if (!std::regex_match(s, m, reference_regex())) {
    std::string lowered = lower(s);
    std::smatch ml;
    if (std::regex_match(lowered, ml, reference_regex()))
      throw invalid(text, "repository name must be lowercase");
    throw invalid(text, "invalid reference format");
  }
  full_name = m[1].str();
  if (full_name.size() > 255) throw invalid(text, "repository name must not be more than 255 characters");
  Reference r;
  split_domain(full_name, r.domain_, r.path_);
  if (lower(r.path_) != r.path_) throw invalid(text, "repository name must be lowercase");
  if (m[2].matched) r.tag_ = m[2].str();
  if (m[3].matched) r.digest_ = m[3].str();
  return r;
}

std::optional<Reference> Reference::try_parse(std::string_view text) {
  try {
    return parse(text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string Reference::tag_or_default() const { return tag_ ? *tag_ : std::string("latest"); }

std::string Reference::str() const {
  std::string s = name();
  if (tag_ || !digest_) s += ":" + tag_or_default();
  if (digest_) s += "@" + *digest_;
  return s;
}

std::string Reference::familiar() const {
  std::string p = path_;
  std::string s;
  if (domain_ == kDefaultDomain) {
    if (p.rfind("library/", 0) == 0 && p.find('/', 8) == std::string::npos) p = p.substr(8);
    s = p;
  } else {
    s = domain_ + "/" + p;
  }
  if (tag_ || !digest_) s += ":" + tag_or_default();
  if (digest_) s += "@" + *digest_;
  return s;
}

Reference Reference::with_tag(std::string tag) const {
  Reference r = *this;
  r.tag_ = std::move(tag);
  return r;
}

Reference Reference::with_digest(std::string digest) const {
  Reference r = *this;
  r.digest_ = std::move(digest);
  return r;
}

}  // namespace ocbuild::registry
