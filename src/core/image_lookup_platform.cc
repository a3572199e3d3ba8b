// Platform matching after containerd's platforms package (normalize.go and
// the default matcher): normalized names, default variants, and "an arm or
// amd64 machine runs older variants too". The one matcher for both the
// content store and the registry client.
#include <algorithm>
#include <cctype>

#include "ocbuild/core/error.h"
#include "ocbuild/core/image_lookup.h"

namespace ocbuild {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "vN" -> N (amd64's "" is level 1); -1 when the variant has no level.
int variant_level(const std::string& arch, const std::string& variant) {
  if (arch == "amd64" && variant.empty()) return 1;
  if (variant.size() < 2 || variant[0] != 'v') return -1;
  int n = 0;
  for (size_t i = 1; i < variant.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(variant[i]))) return -1;
    n = n * 10 + (variant[i] - '0');
  }
  return n;
}

// 0 = exact, higher = less preferred, -1 = does not run.
int distance(const Platform& want, const Platform& have) {
  Platform w = normalize_platform(want), h = normalize_platform(have);
  if (w.os.empty() || w.os != h.os || w.architecture != h.architecture) return -1;
  if (w.variant == h.variant) return 0;
  if (w.architecture != "arm" && w.architecture != "amd64") return -1;
  int wl = variant_level(w.architecture, w.variant), hl = variant_level(h.architecture, h.variant);
  return wl > 0 && hl > 0 && hl < wl ? wl - hl : -1;
}

// BuildKit's attestations ride in an index as "unknown/unknown" entries.
bool is_attestation(const Descriptor& d) {
  auto it = d.annotations.find("vnd.docker.reference.type");
  return it != d.annotations.end() && it->second == "attestation-manifest";
}

std::string platforms_of(const Index& index) {
  std::vector<std::string> seen;
  for (const auto& m : index.manifests) {
    if (!m.platform || is_attestation(m)) continue;
    std::string p = platform_string(*m.platform);
    if (std::find(seen.begin(), seen.end(), p) == seen.end()) seen.push_back(p);
  }
  std::string out;
  for (const auto& p : seen) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "no platforms" : out;
}

}  // namespace

Platform normalize_platform(const Platform& p) {
  Platform n = p;
  n.os = lower(n.os);
  if (n.os == "macos") n.os = "darwin";
  std::string& a = n.architecture;
  std::string& v = n.variant;
  a = lower(a);
  v = lower(v);
  if (a == "i386") {
    a = "386";
    v.clear();
  } else if (a == "x86_64" || a == "x86-64" || a == "amd64") {
    a = "amd64";
    if (v == "v1") v.clear();
  } else if (a == "aarch64" || a == "arm64") {
    a = "arm64";
    if (v.empty() || v == "8" || v == "v8.0") v = "v8";
  } else if (a == "armhf") {
    a = "arm";
    v = "v7";
  } else if (a == "armel") {
    a = "arm";
    v = "v6";
  } else if (a == "arm") {
    if (v.empty()) v = "v7";
    else if (v == "5" || v == "6" || v == "7" || v == "8") v = "v" + v;
  }
  return n;
}

std::string platform_string(const Platform& p) {
  return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}

Platform parse_platform_text(std::string_view text) {
  std::vector<std::string> parts{""};
  for (char c : text) {
    if (c == '/') parts.emplace_back();
    else parts.back() += c;
  }
  bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string& s) { return s.empty(); });
  if (parts.size() < 2 || parts.size() > 3 || empty_part)
    throw Error(ErrorCode::Invalid, "invalid platform '" + std::string(text) + "': expected os/arch[/variant]");
  Platform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

bool platform_matches(const Platform& want, const Platform& have) { return distance(want, have) >= 0; }

std::optional<Descriptor> match_manifest(const Index& index, const Platform& want) {
  std::optional<Descriptor> best;
  int best_distance = -1;
  for (const auto& m : index.manifests) {
    if (!m.platform || is_attestation(m)) continue;
    int d = distance(want, *m.platform);
    if (d < 0 || (best && d >= best_distance)) continue;
    best = m;
    best_distance = d;
  }
  return best;
}

Descriptor choose_manifest(const Index& index, const Platform& want, const std::string& image_name) {
  if (auto m = match_manifest(index, want)) return *m;
  throw Error(ErrorCode::NotFound, "image " + image_name + " has no " + platform_string(want) + " manifest (has: " +
                                       platforms_of(index) + ")");
}

std::optional<std::string> check_config_platform(const ImageConfig& config, const Platform& want,
                                                 const std::string& image_name) {
  if (config.os.empty() || config.architecture.empty())
    return "image " + image_name + ": its config names no os/architecture; assuming it runs on " +
           platform_string(want);
  Platform have{config.architecture, config.os, config.os_version, config.os_features, config.variant};
  if (platform_matches(want, have)) return std::nullopt;
  throw Error(ErrorCode::NotFound, "image " + image_name + " has no " + platform_string(want) + " manifest (has: " +
                                       platform_string(have) + ")");
}

}  // namespace ocbuild
