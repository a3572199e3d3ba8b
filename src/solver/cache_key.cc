#include "ocbuild/solver/cache_key.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace ocbuild::solver {
namespace {

// A printable, unambiguous list: ["a","b\"c"].
std::string quote_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "]";
}

std::string platform_text(const Platform& p) {
  std::string s = p.os + "/" + p.architecture;
  if (!p.variant.empty()) s += "/" + p.variant;
  if (!p.os_version.empty()) s += " os.version=" + p.os_version;
  if (!p.os_features.empty()) s += " os.features=" + quote_list(p.os_features);
  return s;
}

// The variables in effect: ENV wins over an ARG of the same name; sorted by
// name so declaration order does not matter; proxy ARGs dropped.
void add_variables(CacheKeyBuilder& b, const ExecKeyInput& in) {
  std::map<std::string, std::string> env(in.env.begin(), in.env.end());
  std::map<std::string, std::string> args;
  for (const auto& [name, value] : in.args) {
    if (!is_proxy_arg(name) && !env.count(name)) args[name] = value;
  }
  for (const auto& [name, value] : env) b.field("env:" + name, value);
  for (const auto& [name, value] : args) b.field("arg:" + name, value);
}

}  // namespace

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Source: return "source";
    case OpKind::Exec: return "exec";
    case OpKind::File: return "file";
  }
  return "?";
}

bool is_proxy_arg(std::string_view name) {
  static const char* const kProxy[] = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                                       "FTP_PROXY",  "ftp_proxy",  "NO_PROXY",    "no_proxy",
                                       "ALL_PROXY",  "all_proxy"};
  return std::any_of(std::begin(kProxy), std::end(kProxy), [&](const char* p) { return name == p; });
}

CacheKeyBuilder::CacheKeyBuilder(OpKind kind) {
  key_.kind = kind;
  hasher_.field("version", kCacheKeyVersion);
  hasher_.field("kind", to_string(kind));
}

CacheKeyBuilder& CacheKeyBuilder::field(std::string_view name, std::string_view value) {
  hasher_.field(name, value);
  key_.fields.push_back({std::string(name), std::string(value)});
  return *this;
}

CacheKeyBuilder& CacheKeyBuilder::input(std::string_view name, const Digest& key) {
  return field(std::string("input:").append(name), key.empty() ? "" : key.str());
}

CacheKeyBuilder& CacheKeyBuilder::content(std::string_view name, const Digest& digest, std::vector<FileDigest> files) {
  field(std::string("content:").append(name), digest.empty() ? "" : digest.str());
  key_.files.insert(key_.files.end(), std::make_move_iterator(files.begin()), std::make_move_iterator(files.end()));
  return *this;
}

CacheKey CacheKeyBuilder::finish() {
  key_.digest = hasher_.finish();
  return std::move(key_);
}

CacheKey source_key(const SourceKeyInput& in) {
  CacheKeyBuilder b(OpKind::Source);
  b.field("source.digest", in.manifest_digest.empty() ? "scratch" : in.manifest_digest.str());
  b.field("source.platform", platform_text(in.platform));
  CacheKey key = b.finish();
  // The reference is shown, never hashed: a retag to the same digest hits.
  key.fields.insert(key.fields.begin(), {"source.reference (not hashed)", in.reference});
  return key;
}

CacheKey exec_key(const ExecKeyInput& in) {
  CacheKeyBuilder b(OpKind::Exec);
  b.input("parent", in.parent);
  b.field("command", quote_list(in.command));
  add_variables(b, in);
  b.field("user", in.user);
  b.field("workdir", in.workdir);
  b.field("network", in.network);
  b.field("security", in.security);
  for (size_t i = 0; i < in.mounts.size(); ++i) {
    const MountSpec& m = in.mounts[i];
    b.field("mount:" + m.target, quote_list({m.type, m.id, m.source, m.from, m.options}));
  }
  std::vector<std::string> secrets = in.secret_ids, ssh = in.ssh_ids;
  std::sort(secrets.begin(), secrets.end());
  std::sort(ssh.begin(), ssh.end());
  b.field("secrets", quote_list(secrets));
  b.field("ssh", quote_list(ssh));
  return b.finish();
}

CacheKey file_key(const FileKeyInput& in) {
  CacheKeyBuilder b(OpKind::File);
  b.input("parent", in.parent);
  b.field("instruction", in.instruction);
  b.input("from", in.from);
  b.field("sources", quote_list(in.sources));
  b.field("destination", in.destination);
  b.field("chown", in.chown);
  b.field("chmod", in.chmod);
  b.field("link", in.link ? "true" : "false");
  b.field("parents", in.parents ? "true" : "false");
  b.field("excludes", quote_list(in.excludes));
  b.field("checksum", in.checksum);
  b.field("keep-git-dir", in.keep_git_dir ? "true" : "false");
  b.content("sources", in.content, in.files);
  return b.finish();
}

bool debug_keys_requested() {
  const char* v = std::getenv("OCBUILD_DEBUG_KEYS");
  return v && *v && std::string_view(v) != "0";
}

std::string describe(const CacheKey& key) {
  std::string out = "key " + key.digest.str() + " (" + to_string(key.kind) + ")\n";
  for (const KeyField& f : key.fields) out += "  " + f.name + " = " + f.value + "\n";
  if (!key.files.empty()) out += "  (" + std::to_string(key.files.size()) + " files)\n";
  return out;
}

}  // namespace ocbuild::solver
