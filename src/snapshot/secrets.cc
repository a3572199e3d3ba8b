#include "ocbuild/snapshot/secrets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "ocbuild/core/error.h"
#include "ocbuild/core/unique_fd.h"
#include "snapshot/userns_helper.h"

namespace ocbuild::snapshot {
namespace {

std::vector<std::string> split_fields(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = value.find(',', start);
    out.emplace_back(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

bool env_is_set(const std::string& name) { return !name.empty() && std::getenv(name.c_str()) != nullptr; }

}  // namespace

SecretSource parse_secret_flag(std::string_view value) {
  SecretSource s;
  std::string type;
  for (const auto& field : split_fields(value)) {
    size_t eq = field.find('=');
    if (eq == std::string::npos)
      throw Error(ErrorCode::Invalid, "--secret: invalid field '" + field + "' must be a key=value pair");
    std::string key = lower(field.substr(0, eq)), val = field.substr(eq + 1);
    if (key == "type") {
      if (val != "file" && val != "env") throw Error(ErrorCode::Invalid, "--secret: unsupported secret type \"" + val + "\"");
      type = val;
    } else if (key == "id") {
      s.id = val;
    } else if (key == "src" || key == "source") {
      s.file = val;
    } else if (key == "env") {
      s.env = val;
    } else {
      throw Error(ErrorCode::Invalid, "--secret: unexpected key '" + key + "' in '" + field + "'");
    }
  }
  if (type == "env" && s.env.empty()) s.env = std::exchange(s.file, std::string());
  if (s.id.empty()) throw Error(ErrorCode::Invalid, "--secret " + std::string(value) + ": secret missing id");
  if (s.file.empty() && s.env.empty()) (env_is_set(s.id) ? s.env : s.file) = s.id;
  return s;
}

SecretMap parse_secret_flags(const std::vector<std::string>& values) {
  SecretMap out;
  for (const auto& v : values) {
    SecretSource s = parse_secret_flag(v);
    out[s.id] = s;
  }
  return out;
}

std::optional<std::string> read_secret(const SecretSource& source) {
  std::string value;
  if (!source.env.empty()) {
    const char* v = std::getenv(source.env.c_str());
    if (!v) return std::nullopt;
    value = v;
  } else {
    UniqueFd fd(::open(source.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) return std::nullopt;
      throw Error::io("secret " + source.id + ": open " + source.file, errno);
    }
    char buf[16384];
    for (;;) {
      ssize_t n = read_retry(fd.get(), buf, sizeof buf);
      if (n < 0) throw Error::io("secret " + source.id + ": read " + source.file, errno);
      if (n == 0) break;
      value.append(buf, static_cast<size_t>(n));
      if (value.size() > kMaxSecretSize) break;
    }
  }
  if (value.size() > kMaxSecretSize)
    throw Error(ErrorCode::Invalid, "secret " + source.id + " is larger than " + std::to_string(kMaxSecretSize) + " bytes");
  return value;
}

MaterializedSecret::MaterializedSecret(MaterializedSecret&& o) noexcept
    : dir_(std::move(o.dir_)), path_(std::exchange(o.path_, std::string())) {}

MaterializedSecret& MaterializedSecret::operator=(MaterializedSecret&& o) noexcept {
  if (this != &o) {
    wipe();
    dir_ = std::move(o.dir_);
    path_ = std::exchange(o.path_, std::string());
  }
  return *this;
}

MaterializedSecret::~MaterializedSecret() { wipe(); }

// Zeros the bytes before the unlink so they do not linger in freed blocks.
void MaterializedSecret::wipe() noexcept {
  if (path_.empty()) return;
  struct stat st {};
  if (::chmod(path_.c_str(), 0600) == 0 && ::stat(path_.c_str(), &st) == 0) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
      char zeros[4096] = {};
      for (off_t left = st.st_size; left > 0;) {
        ssize_t n = ::write(fd, zeros, static_cast<size_t>(std::min<off_t>(left, sizeof zeros)));
        if (n <= 0) break;
        left -= n;
      }
      ::fdatasync(fd);
      ::close(fd);
    }
  }
  ::unlink(path_.c_str());
  path_.clear();
}

MaterializedSecret materialize_secret(std::string_view value, const std::string& parent,
                                      const SecretFileOwner& owner) {
  TempDir dir("ocbuild-secret-", parent);  // mkdtemp: 0700
  std::string path = dir.path() + "/secret";
  MaterializedSecret out(std::move(dir), path);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) throw Error::io("create secret file in " + out.dir_.path(), errno);
  write_all(fd.get(), value.data(), value.size(), "secret file");
  if (::fchmod(fd.get(), owner.mode & 07777) != 0) throw Error::io("chmod secret file", errno);
  fd.reset();
  if (owner.uid != 0 || owner.gid != 0) {
    as_container_root([&] {
      if (::lchown(path.c_str(), owner.uid, owner.gid) != 0 && errno != EINVAL)
        throw Error::io("chown secret file", errno);
      return std::string();
    });
  }
  return out;
}

SshSource parse_ssh_flag(std::string_view value) {
  SshSource s;
  size_t eq = value.find('=');
  s.id = std::string(value.substr(0, eq));
  if (s.id.empty()) throw Error(ErrorCode::Invalid, "--ssh " + std::string(value) + ": missing id");
  if (eq != std::string_view::npos) {
    for (auto& p : split_fields(value.substr(eq + 1)))
      if (!p.empty()) s.paths.push_back(p);
  }
  if (s.paths.empty()) {
    const char* sock = std::getenv("SSH_AUTH_SOCK");
    if (!sock || !*sock)
      throw Error(ErrorCode::Invalid, "--ssh " + s.id + ": no path given and SSH_AUTH_SOCK is not set");
    s.paths.push_back(sock);
  }
  std::vector<std::string> paths = std::move(s.paths);
  s.paths.clear();
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
      throw Error(ErrorCode::Invalid, "--ssh " + s.id + ": " + p + ": " + std::strerror(errno));
    if (S_ISSOCK(st.st_mode)) s.paths.push_back(p);
    else if (S_ISREG(st.st_mode)) s.keys.push_back(p);
    else throw Error(ErrorCode::Invalid, "--ssh " + s.id + ": " + p + " is neither an agent socket nor a key file");
  }
  if (!s.paths.empty() && !s.keys.empty())
    throw Error(ErrorCode::Invalid, "--ssh " + s.id + ": agent sockets and key files cannot be mixed");
  if (s.paths.size() > 1) throw Error(ErrorCode::Invalid, "--ssh " + s.id + ": only one agent socket is allowed");
  return s;
}

SshMap parse_ssh_flags(const std::vector<std::string>& values) {
  SshMap out;
  for (const auto& v : values) {
    SshSource s = parse_ssh_flag(v);
    out[s.id] = s;
  }
  return out;
}

}  // namespace ocbuild::snapshot
