#include <cstdio>
#include <map>

#include "diff_report.h"

namespace ocbuild::exporter {
namespace {

std::string octal(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string xattrs_text(const std::map<std::string, std::string>& x) {
  if (x.empty()) return "none";
  std::string out;
  for (const auto& [k, v] : x) out += (out.empty() ? "" : ", ") + k + "=" + printable(v);
  return out;
}

std::string owner(const LayerEntry& e) { return std::to_string(e.uid) + ":" + std::to_string(e.gid); }

void compare_entry(const LayerEntry& a, const LayerEntry& b, const std::string& where, DiffReport& r) {
  std::string at = where + ", " + (a.whiteout ? "whiteout " : "file ") + a.path + ": ";
  auto differ = [&](const char* what, const std::string& x, const std::string& y) {
    if (x != y) r.add(at + what + " differs (" + x + " in " + r.a() + ", " + y + " in " + r.b() + ")");
  };
  differ("type", to_string(a.type), to_string(b.type));
  differ("mode", octal(a.mode), octal(b.mode));
  differ("owner", owner(a), owner(b));
  differ("mtime", std::to_string(a.mtime), std::to_string(b.mtime));
  differ("size", std::to_string(a.size), std::to_string(b.size));
  differ("content", a.content.empty() ? "-" : a.content.str(), b.content.empty() ? "-" : b.content.str());
  differ("link target", a.link_target, b.link_target);
  differ("device", std::to_string(a.dev_major) + "," + std::to_string(a.dev_minor),
         std::to_string(b.dev_major) + "," + std::to_string(b.dev_minor));
  differ("xattrs", xattrs_text(a.xattrs), xattrs_text(b.xattrs));
}

std::map<std::string, const LayerEntry*> by_path(const std::vector<LayerEntry>& entries) {
  std::map<std::string, const LayerEntry*> out;
  for (const auto& e : entries) out.emplace(e.path, &e);
  return out;
}

}  // namespace

void diff_layer_entries(const std::vector<LayerEntry>& a, const std::vector<LayerEntry>& b,
                        const std::string& where, DiffReport& r) {
  size_t before = r.total();
  auto ma = by_path(a), mb = by_path(b);
  for (const auto& [path, ea] : ma) {
    auto it = mb.find(path);
    if (it == mb.end()) {
      r.add(where + ": " + path + " only in " + r.a());
      continue;
    }
    compare_entry(*ea, *it->second, where, r);
  }
  for (const auto& [path, eb] : mb)
    if (!ma.count(path)) r.add(where + ": " + path + " only in " + r.b());
  if (r.total() != before) return;
  if (a.size() != b.size()) {
    r.add(where + ": a path appears more than once in one of the layers");
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].path != b[i].path) {
      r.add(where + ": same entries in a different order (first at " + a[i].path + " vs " + b[i].path + ")");
      return;
    }
  }
  r.add(where + ": same entries but different bytes (tar headers or compression differ)");
}

}  // namespace ocbuild::exporter
