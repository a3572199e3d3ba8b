#include "ocbuild/export/image_diff.h"

#include <map>
#include <nlohmann/json.hpp>

#include "blob_stream.h"
#include "diff_report.h"
#include "ocbuild/core/error.h"

namespace ocbuild::exporter {
namespace {

using json = nlohmann::json;
using Flat = std::map<std::string, std::string>;

json parse_json(const std::string& text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::Invalid, what + " is not valid JSON: " + e.what());
  }
}

// {"config":{"Env":["A=1"]}} -> {"config.Env[0]": "\"A=1\""}; empty objects
// and arrays are leaves too, so "{}" vs missing is still a difference.
void flatten(const json& j, const std::string& path, Flat& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
  } else if (j.is_array() && !j.empty()) {
    for (size_t i = 0; i < j.size(); ++i) flatten(j[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out[path.empty() ? "(document)" : path] = j.dump();
  }
}

void diff_json(const std::string& a, const std::string& b, const std::string& what, DiffReport& r) {
  Flat fa, fb;
  flatten(parse_json(a, what + " of " + r.a()), "", fa);
  flatten(parse_json(b, what + " of " + r.b()), "", fb);
  for (const auto& [path, va] : fa) {
    auto it = fb.find(path);
    if (it == fb.end())
      r.add(what + " " + path + " only in " + r.a() + " (" + va + ")");
    else if (it->second != va)
      r.add(what + " " + path + " differs (" + va + " in " + r.a() + ", " + it->second + " in " + r.b() + ")");
  }
  for (const auto& [path, vb] : fb)
    if (!fa.count(path)) r.add(what + " " + path + " only in " + r.b() + " (" + vb + ")");
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
    case Compression::None: break;
  }
  return "uncompressed";
}

// Blobs stored with different compressions (a docker save round trip, say)
// can hold the very same tar: say so instead of listing tar differences.
bool same_tar_compressed_differently(const std::string& pa, const std::string& pb, const std::string& where,
                                     DiffReport& r) {
  Compression ca = detect_blob_compression(pa), cb = detect_blob_compression(pb);
  if (ca == cb) return false;
  Digest da = uncompressed_info(pa).digest;
  if (da != uncompressed_info(pb).digest) return false;
  r.add(where + ": same tar (diff_id " + da.str() + "), compressed differently (" + compression_name(ca) + " in " +
        r.a() + ", " + compression_name(cb) + " in " + r.b() + ")");
  return true;
}

void diff_layers(const ImageToCompare& a, const ImageToCompare& b, DiffReport& r) {
  if (a.layer_paths.size() != b.layer_paths.size())
    r.add("layer count differs (" + std::to_string(a.layer_paths.size()) + " in " + r.a() + ", " +
          std::to_string(b.layer_paths.size()) + " in " + r.b() + ")");
  size_t n = std::min(a.layer_paths.size(), b.layer_paths.size());
  for (size_t i = 0; i < n; ++i) {
    Digest da = Digest::of_file(a.layer_paths[i]), db = Digest::of_file(b.layer_paths[i]);
    if (da == db) continue;
    std::string where = "layer " + std::to_string(i + 1);
    if (same_tar_compressed_differently(a.layer_paths[i], b.layer_paths[i], where, r)) continue;
    diff_layer_entries(read_layer_entries(a.layer_paths[i]), read_layer_entries(b.layer_paths[i]), where, r);
  }
}

}  // namespace

ImageDiff diff_images(const ImageToCompare& a, const ImageToCompare& b, const DiffOptions& options) {
  ImageDiff out;
  if (!a.manifest_digest.empty() && a.manifest_digest == b.manifest_digest) {
    out.identical = true;
    return out;
  }
  DiffReport r(a.name.empty() ? "first" : a.name, b.name.empty() ? "second" : b.name, options.max_differences);
  r.add("manifest digest differs (" + a.manifest_digest.str() + " in " + r.a() + ", " + b.manifest_digest.str() +
        " in " + r.b() + ")");
  diff_json(a.config_json, b.config_json, "config", r);
  diff_layers(a, b, r);
  diff_json(a.manifest_json, b.manifest_json, "manifest", r);
  out.total = r.total();
  out.differences = r.take_lines();
  return out;
}

}  // namespace ocbuild::exporter
