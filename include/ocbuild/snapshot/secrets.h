#pragma once
// Build secrets and SSH agent sockets given on the command line (--secret,
// --ssh) and their materialisation for one RUN. A secret's value is read only
// when a RUN mounts it, is written to a private 0700 directory as a 0400
// file (or kept in memory for env=), and is never logged or hashed: error
// messages name the id and the source, never the content.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocbuild/core/temp_dir.h"

namespace ocbuild::snapshot {

// BuildKit's limit on one secret (500 KiB).
inline constexpr uint64_t kMaxSecretSize = 500 * 1024;

// Where a secret comes from: a file or an environment variable.
struct SecretSource {
  std::string id;
  std::string file;  // src=/source=
  std::string env;   // env= (or type=env with src=)
};

// Parses "id=ID[,src=PATH|,source=PATH][,env=VAR][,type=file|env]" (docker
// buildx --secret). type=env turns src into the variable name. Without src
// and env, the variable named like the id is used when it is set, else the
// file named like the id (relative to the working directory), as BuildKit's
// secrets provider does. Throws Error(Invalid) naming the bad field.
SecretSource parse_secret_flag(std::string_view value);

// The secrets of a build by id (a later flag with the same id wins).
using SecretMap = std::map<std::string, SecretSource>;
SecretMap parse_secret_flags(const std::vector<std::string>& values);

// The secret's bytes, or nullopt when its variable is unset or its file
// does not exist (an optional secret is then skipped). Throws Error(Invalid)
// when it is larger than kMaxSecretSize, Error(Io) for other read failures.
std::optional<std::string> read_secret(const SecretSource& source);

// Mode and owner of a mounted secret file (BuildKit: 0400, 0, 0).
struct SecretFileOwner {
  uint32_t mode = 0400;
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// A secret written for one RUN: <private 0700 dir>/secret. The destructor
// overwrites the file with zeros and removes the directory.
class MaterializedSecret {
 public:
  MaterializedSecret(MaterializedSecret&&) noexcept;
  MaterializedSecret& operator=(MaterializedSecret&&) noexcept;
  MaterializedSecret(const MaterializedSecret&) = delete;
  MaterializedSecret& operator=(const MaterializedSecret&) = delete;
  ~MaterializedSecret();

  const std::string& path() const { return path_; }  // the file to bind

 private:
  friend MaterializedSecret materialize_secret(std::string_view value, const std::string& parent,
                                               const SecretFileOwner& owner);
  MaterializedSecret(TempDir dir, std::string path) : dir_(std::move(dir)), path_(std::move(path)) {}
  void wipe() noexcept;
  TempDir dir_;
  std::string path_;
};

// Writes `value` into a fresh 0700 directory under `parent` ($TMPDIR when
// empty) as a file with the owner's mode and ids (ids as the RUN's user
// namespace sees them; with a single mapping only 0 exists and other ids are
// ignored). Throws Error(Io).
MaterializedSecret materialize_secret(std::string_view value, const std::string& parent = "",
                                      const SecretFileOwner& owner = {});

// An SSH agent to forward (--ssh): a unix socket on the host, or key files
// that a private agent serves (ssh_agent.h puts its socket in `paths`).
struct SshSource {
  std::string id;                  // "default" when not named
  std::vector<std::string> paths;  // agent sockets
  std::vector<std::string> keys;   // private key files
};

// Parses "default", "default=PATH", "ID=PATH[,PATH]" (BuildKit spelling).
// "default" alone is $SSH_AUTH_SOCK: Error(Invalid) when it is unset. Each
// PATH is an agent socket or a key file; like BuildKit, Error(Invalid) for
// sockets mixed with keys, more than one socket, or a missing path.
SshSource parse_ssh_flag(std::string_view value);
using SshMap = std::map<std::string, SshSource>;
SshMap parse_ssh_flags(const std::vector<std::string>& values);

}  // namespace ocbuild::snapshot
