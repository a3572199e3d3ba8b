// Platform matching after containerd's platforms package: normalized
// architecture names, default variants, and arm's "older variants run too".
#include "ocbuild/registry/platform_select.h"

#include <nlohmann/json.hpp>

#include "ocbuild/core/error.h"

namespace ocbuild::registry {
namespace {

struct Normal {
  std::string os, arch, variant;
};

Normal normalize(const Platform& p) {
  Normal n{p.os, p.architecture, p.variant};
  if (n.arch == "x86_64" || n.arch == "x86-64") n.arch = "amd64";
  if (n.arch == "aarch64") n.arch = "arm64";
  if (n.arch == "armhf") n = {n.os, "arm", "v7"};
  if (n.arch == "armel") n = {n.os, "arm", "v6"};
  if (n.arch == "arm64" && (n.variant.empty() || n.variant == "8")) n.variant = "v8";
  if (n.arch == "amd64" && n.variant.empty()) n.variant = "v1";
  if (n.arch == "arm" && n.variant.empty()) n.variant = "v7";
  if (n.arch == "arm" && n.variant.size() == 1) n.variant = "v" + n.variant;
  return n;
}

int variant_number(const std::string& v) {
  if (v.size() < 2 || v[0] != 'v') return -1;
  try {
    return std::stoi(v.substr(1));
  } catch (...) {
    return -1;
  }
}

// 0 = exact, higher = less preferred, -1 = does not run.
int distance(const Platform& want, const Platform& have) {
  Normal w = normalize(want), h = normalize(have);
  if (w.os != h.os || w.arch != h.arch) return -1;
  if (w.variant == h.variant) return 0;
  int wv = variant_number(w.variant), hv = variant_number(h.variant);
  if ((w.arch == "arm" || w.arch == "amd64") && wv > 0 && hv > 0 && hv < wv) return wv - hv;
  return -1;
}

Platform platform_from_json(const nlohmann::json& j) {
  Platform p;
  p.os = j.value("os", "");
  p.architecture = j.value("architecture", "");
  p.variant = j.value("variant", "");
  p.os_version = j.value("os.version", "");
  return p;
}

}  // namespace

Platform parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : text) {
    if (c == '/') parts.push_back(std::exchange(cur, ""));
    else cur += c;
  }
  parts.push_back(cur);
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
    throw Error(ErrorCode::Invalid, "invalid platform '" + std::string(text) + "': expected os/arch[/variant]");
  Platform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

std::string platform_string(const Platform& p) {
  return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}

bool platform_matches(const Platform& want, const Platform& have) { return distance(want, have) >= 0; }

std::optional<Descriptor> select_manifest(std::string_view index_json, const Platform& want) {
  auto j = nlohmann::json::parse(index_json, nullptr, false);
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
    throw Error(ErrorCode::Invalid, "not an image index or manifest list: no \"manifests\" array");
  std::optional<Descriptor> best;
  int best_distance = -1;
  for (const auto& m : j["manifests"]) {
    if (!m.is_object() || !m.contains("platform") || !m["platform"].is_object()) continue;
    Platform have = platform_from_json(m["platform"]);
    int d = distance(want, have);
    if (d < 0 || (best && d >= best_distance)) continue;
    auto digest = Digest::try_parse(m.value("digest", ""));
    if (!digest) throw Error(ErrorCode::Invalid, "image index entry for " + platform_string(have) + " has a bad digest");
    best = Descriptor{m.value("mediaType", ""), *digest, m.value("size", int64_t{0}), {}, {}, have};
    best_distance = d;
  }
  return best;
}

}  // namespace ocbuild::registry
