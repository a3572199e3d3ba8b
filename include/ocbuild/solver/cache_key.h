#pragma once
// Cache keys. In: the definition of one build step (its kind, its parent's
// key, the fields that can change its result, content digests of its
// inputs). Out: a CacheKey, H("ocbuild-cachekey-v1" | kind | fields...),
// each field tagged (Hasher::field), plus the printable list of what was
// hashed so `--explain` / OCBUILD_DEBUG_KEYS=1 can show why a step missed.
//
// Meta steps (ENV, LABEL, CMD, USER, WORKDIR...) are not keyed, as in
// BuildKit where they only change the image config: what of that state can
// change a layer (env, user, workdir, shell) is a field of the next exec or
// file key, and the config itself is stored with each result. So a LABEL
// change never invalidates the RUN below it, and an ENV change does.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocbuild/core/descriptor.h"
#include "ocbuild/core/digest.h"

namespace ocbuild::solver {

inline constexpr const char* kCacheKeyVersion = "ocbuild-cachekey-v1";

enum class OpKind { Source, Exec, File };
const char* to_string(OpKind kind);

// One hashed field. Names are "category:detail" ("arg:VERSION", "env:PATH",
// "source.digest") so explanations can name what changed.
struct KeyField {
  std::string name;
  std::string value;
  friend bool operator==(const KeyField&, const KeyField&) = default;
};

// A content input summarized by one digest in the key; `files` keeps the
// per-entry detail (path, content digest, type and mode) for explanations.
struct FileDigest {
  std::string path;
  Digest digest;     // content (regular files); empty otherwise
  std::string meta;  // "file 0644", "dir 0755", "symlink 0777 -> target"
  friend bool operator==(const FileDigest&, const FileDigest&) = default;
};

struct CacheKey {
  OpKind kind = OpKind::Source;
  Digest digest;
  std::vector<KeyField> fields;  // in hashing order
  std::vector<FileDigest> files;
};

// Builds one key. Not thread safe; finish() once.
class CacheKeyBuilder {
 public:
  explicit CacheKeyBuilder(OpKind kind);
  CacheKeyBuilder& field(std::string_view name, std::string_view value);
  CacheKeyBuilder& input(std::string_view name, const Digest& key);    // a parent or --from key
  CacheKeyBuilder& content(std::string_view name, const Digest& digest, std::vector<FileDigest> files = {});
  CacheKey finish();

 private:
  Hasher hasher_;
  CacheKey key_;
};

// FROM: the resolved manifest digest and platform ("scratch": empty digest).
struct SourceKeyInput {
  std::string reference;  // for explanations only, not hashed
  Digest manifest_digest;
  Platform platform;
};
CacheKey source_key(const SourceKeyInput& in);

struct MountSpec {
  std::string type;    // bind, cache, tmpfs, secret, ssh
  std::string target;
  std::string id;      // cache id / secret id
  std::string source;  // path in `from`
  std::string from;    // stage or image key (digest text), empty = context
  std::string options; // canonical "k=v,..." of the rest (readonly, sharing, mode)
};

// RUN. `command` is the canonical argv (shell form already wrapped in the
// shell). env: the ENV in effect; args: the ARGs in effect (an ENV of the
// same name wins). Proxy ARGs are never hashed (BuildKit excludes them).
struct ExecKeyInput {
  Digest parent;
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::pair<std::string, std::string>> args;
  std::string user;
  std::string workdir;
  std::string network = "default";
  std::string security = "sandbox";
  std::vector<MountSpec> mounts;
  std::vector<std::string> secret_ids;  // by id only, never their content
  std::vector<std::string> ssh_ids;
};
CacheKey exec_key(const ExecKeyInput& in);

// COPY/ADD. `from` is the key of the source stage or image (empty: the
// build context). `content` is the digest of the selected files.
struct FileKeyInput {
  Digest parent;
  std::string instruction = "COPY";  // COPY or ADD
  Digest from;
  std::vector<std::string> sources;
  std::string destination;  // absolute, after WORKDIR
  std::string chown;
  std::string chmod;
  bool link = false;
  bool parents = false;
  std::vector<std::string> excludes;
  std::string checksum;  // ADD --checksum
  bool keep_git_dir = false;
  Digest content;
  std::vector<FileDigest> files;
};
CacheKey file_key(const FileKeyInput& in);

bool is_proxy_arg(std::string_view name);

// "key sha256:... (exec)\n  name = value\n..." for OCBUILD_DEBUG_KEYS.
std::string describe(const CacheKey& key);

// True when OCBUILD_DEBUG_KEYS is set to a non-empty value other than "0".
bool debug_keys_requested();

}  // namespace ocbuild::solver
