// Parsing of local image references. The grammar is the distribution one,
// loosened: a name is path components of [a-z0-9._-] separated by '/', the
// first of which may carry a registry host with a port.
#include "ocbuild/core/image_ref.h"

#include <regex>

#include "ocbuild/core/error.h"

namespace ocbuild {
namespace {

bool valid_name(const std::string& name) {
  static const std::regex re(
      R"(^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$)");
  return name.size() <= 255 && std::regex_match(name, re);
}

bool valid_tag(const std::string& tag) {
  static const std::regex re(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$)");
  return std::regex_match(tag, re);
}

Error bad(std::string_view text, const std::string& why) {
  return Error(ErrorCode::Invalid, "invalid image reference \"" + std::string(text) + "\": " + why);
}

}  // namespace

std::string ImageRef::str() const {
  if (digest) return name.empty() ? digest->str() : name + "@" + digest->str();
  return ref_name();
}

ImageRef parse_image_ref(std::string_view text) {
  ImageRef ref;
  if (auto d = Digest::try_parse(text)) {
    ref.digest = *d;
    return ref;
  }
  std::string s(text);
  if (auto at = s.find('@'); at != std::string::npos) {
    auto d = Digest::try_parse(s.substr(at + 1));
    if (!d) throw bad(text, "invalid digest after '@'");
    ref.digest = *d;
    s.resize(at);
  }
  auto colon = s.rfind(':');
  auto slash = s.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = s.substr(colon + 1);
    s.resize(colon);
    if (!valid_tag(ref.tag)) throw bad(text, "invalid tag \"" + ref.tag + "\"");
  }
  if (!valid_name(s)) throw bad(text, "invalid repository name \"" + s + "\"");
  // Docker Hub names are kept in their familiar form: "docker.io/library/x" is "x".
  for (const char* prefix : {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"})
    if (s.rfind(prefix, 0) == 0 && s.size() > std::string(prefix).size()) {
      s = s.substr(std::string(prefix).size());
      break;
    }
  ref.name = s;
  if (ref.digest) ref.tag.clear();  // name:tag@digest: the digest wins
  else if (ref.tag.empty()) ref.tag = "latest";
  return ref;
}

ImageRef parse_tag_ref(std::string_view text) {
  ImageRef ref = parse_image_ref(text);
  if (ref.digest) throw bad(text, "a tag cannot be a digest");
  return ref;
}

}  // namespace ocbuild
