// RUN --mount values: CSV fields "key=value" or bare boolean keys, checked per
// mount type as BuildKit's runmount.go does.
#include <charconv>

#include "frontend/text_util.h"
#include "ocbuild/frontend/instructions.h"

namespace ocbuild::frontend {
namespace {

Error mount_error(const std::string& message) { return Error(ErrorCode::Parse, message); }

// encoding/csv for one record: fields split on ',', optionally "quoted".
std::vector<std::string> csv_fields(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  for (;;) {
    std::string field;
    if (i < s.size() && s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size()) throw mount_error("extraneous or missing \" in quoted field of mount: " + std::string(s));
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') { field += '"'; i += 2; continue; }
          ++i;
          break;
        }
        field += s[i++];
      }
      if (i < s.size() && s[i] != ',') throw mount_error("extraneous \" in mount field: " + std::string(s));
    } else {
      size_t end = s.find(',', i);
      field = std::string(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      if (field.find('"') != std::string::npos) throw mount_error("bare \" in non-quoted mount field: " + field);
      i = end == std::string_view::npos ? s.size() : end;
    }
    out.push_back(std::move(field));
    if (i >= s.size()) break;
    ++i;  // ','
  }
  return out;
}

bool parse_bool(const std::string& key, const std::optional<std::string>& value) {
  if (!value) return true;
  std::string v = detail::to_lower(*value);
  if (v == "true" || v == "1" || v == "t") return true;
  if (v == "false" || v == "0" || v == "f") return false;
  throw mount_error("invalid value for " + key + ": " + *value);
}

uint32_t parse_uint(const std::string& key, const std::string& value, int base) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v, base);
  if (ec != std::errc() || p != value.data() + value.size() || v > UINT32_MAX || value.empty())
    throw mount_error("invalid value for " + key + ": " + value);
  return static_cast<uint32_t>(v);
}

// docker/go-units RAMInBytes: a number with an optional b/k/m/g/t/p suffix.
uint64_t parse_size(const std::string& value) {
  size_t i = 0;
  while (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) || value[i] == '.')) ++i;
  std::string unit = detail::to_lower(value.substr(i));
  double n = 0;
  try {
    n = i ? std::stod(value.substr(0, i)) : -1;
  } catch (...) {
    n = -1;
  }
  static const char* units[] = {"", "k", "m", "g", "t", "p"};
  for (int u = 0; u < 6; ++u) {
    std::string a = units[u];
    if (n >= 0 && (unit == a || unit == a + "b" || (u && unit == a + "ib"))) {
      double mult = 1;
      for (int k = 0; k < u; ++k) mult *= 1024;
      if (n * mult < 1.8e19) return static_cast<uint64_t>(n * mult);
    }
  }
  throw mount_error("invalid size for tmpfs mount: " + value);
}

MountType parse_type(const std::string& v) {
  if (v == "bind") return MountType::kBind;
  if (v == "cache") return MountType::kCache;
  if (v == "tmpfs") return MountType::kTmpfs;
  if (v == "secret") return MountType::kSecret;
  if (v == "ssh") return MountType::kSsh;
  throw mount_error("unsupported mount type \"" + v + "\"");
}

void apply_key(Mount& m, const std::string& key, const std::optional<std::string>& value, bool& readonly_set) {
  static const char* bool_keys[] = {"readonly", "ro", "readwrite", "rw", "required"};
  bool is_bool = false;
  for (const char* k : bool_keys) is_bool |= key == k;
  if (is_bool) {
    bool b = parse_bool(key, value);
    if (key == "required") m.required = b;
    else { m.readonly = (key == "readonly" || key == "ro") ? b : !b; readonly_set = true; }
    return;
  }
  if (!value) throw mount_error("unexpected key '" + key + "' in mount option (expected key=value)");
  const std::string& v = *value;
  if (key == "id") m.id = v;
  else if (key == "source" || key == "src") m.source = v;
  else if (key == "target" || key == "dst" || key == "destination") m.target = v;
  else if (key == "from") m.from = v;
  else if (key == "sharing") {
    if (v == "shared") m.sharing = CacheSharing::kShared;
    else if (v == "private") m.sharing = CacheSharing::kPrivate;
    else if (v == "locked") m.sharing = CacheSharing::kLocked;
    else throw mount_error("unsupported sharing value \"" + v + "\"");
  } else if (key == "mode") m.mode = parse_uint(key, v, 8);
  else if (key == "uid") m.uid = parse_uint(key, v, 10);
  else if (key == "gid") m.gid = parse_uint(key, v, 10);
  else if (key == "size") m.size = parse_size(v);
  else if (key == "env") m.env = v;
  else throw mount_error("unexpected key '" + key + "' in mount option");
}

void validate(Mount& m, bool readonly_set) {
  std::string type = to_string(m.type);
  auto only = [&](bool present, const char* key, bool allowed) {
    if (present && !allowed) throw mount_error(std::string(key) + " is not supported for mount type " + type);
  };
  bool cache = m.type == MountType::kCache, secret = m.type == MountType::kSecret, ssh = m.type == MountType::kSsh;
  only(m.sharing != CacheSharing::kShared, "sharing", cache);
  only(m.size.has_value(), "size", m.type == MountType::kTmpfs);
  only(m.env.has_value(), "env", secret);
  only(m.required, "required", secret || ssh);
  only(!m.from.empty(), "from", m.type == MountType::kBind || cache);
  only(m.mode || m.uid || m.gid, "mode/uid/gid", cache || secret || ssh);
  if (m.type == MountType::kBind && !readonly_set) m.readonly = true;
  if (secret) {
    if (m.id.empty() && m.target.empty() && !m.env)
      throw mount_error("secret mount requires an id or a target");
    if (m.id.empty()) m.id = m.target.substr(m.target.find_last_of('/') + 1);
    if (m.target.empty() && !m.env) m.target = "/run/secrets/" + m.id;
  } else if (ssh) {
    if (m.id.empty()) m.id = "default";
  } else if (m.target.empty()) {
    throw mount_error("mount type " + type + " requires a target");
  }
  if (cache && m.id.empty()) m.id = m.target;
}

}  // namespace

const char* to_string(MountType type) {
  switch (type) {
    case MountType::kBind: return "bind";
    case MountType::kCache: return "cache";
    case MountType::kTmpfs: return "tmpfs";
    case MountType::kSecret: return "secret";
    case MountType::kSsh: return "ssh";
  }
  return "bind";
}

Mount parse_mount(std::string_view value) {
  Mount m;
  bool readonly_set = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;
  for (auto& f : csv_fields(value)) {
    size_t eq = f.find('=');
    std::string key = detail::to_lower(detail::trim_space(f.substr(0, eq)));
    std::optional<std::string> v;
    if (eq != std::string::npos) v = f.substr(eq + 1);
    if (key == "type") {
      if (!v) throw mount_error("mount type requires a value");
      m.type = parse_type(detail::to_lower(*v));
    } else {
      fields.emplace_back(std::move(key), std::move(v));
    }
  }
  for (const auto& [key, v] : fields) apply_key(m, key, v, readonly_set);
  validate(m, readonly_set);
  return m;
}

}  // namespace ocbuild::frontend
