#pragma once
// A real registry for tests: Debian's docker-registry on 127.0.0.1 on a free
// port, filesystem storage in a temp dir, deletes enabled, optionally with
// htpasswd (bcrypt) Basic auth. Killed when the object goes away.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/transport.h"
#include "support/test_env.h"

namespace ocbuild::testing {

inline constexpr const char* kRegistryBinary = "/usr/bin/docker-registry";

inline int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// A bcrypt htpasswd line, from htpasswd (apache2-utils) or Python's crypt.
inline std::optional<std::string> bcrypt_line(const std::string& user, const std::string& password) {
  CommandResult r;
  if (have_program("htpasswd")) {
    r = run_command("htpasswd -Bbn '" + user + "' '" + password + "'");
  } else {
    r = run_command("python3 -W ignore -c \"import crypt,sys; print(sys.argv[1] + ':' + crypt.crypt(sys.argv[2], "
                    "crypt.mksalt(crypt.METHOD_BLOWFISH)))\" '" + user + "' '" + password + "'");
  }
  if (r.status != 0 || r.output.find(":$2") == std::string::npos) return std::nullopt;
  return r.output.substr(0, r.output.find('\n'));
}

class RegistryServer {
 public:
  struct Options {
    std::optional<std::string> user, password;  // both set: htpasswd Basic auth
  };

  // Starts and waits for /v2/; nullopt (reason in *why) when it cannot.
  static std::unique_ptr<RegistryServer> start(const Options& o, std::string* why) {
    if (::access(kRegistryBinary, X_OK) != 0) {
      *why = "docker-registry is not installed";
      return nullptr;
    }
    auto s = std::unique_ptr<RegistryServer>(new RegistryServer());
    s->port_ = free_port();
    std::string auth;
    if (o.user && o.password) {
      auto line = bcrypt_line(*o.user, *o.password);
      if (!line) {
        *why = "cannot make a bcrypt htpasswd line (no htpasswd, no python3 crypt)";
        return nullptr;
      }
      std::ofstream(s->dir_.path() + "/htpasswd") << *line << "\n";
      auth = "auth:\n  htpasswd:\n    realm: ocbuild-test\n    path: " + s->dir_.path() + "/htpasswd\n";
    }
    std::ofstream(s->config()) << "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: "
                              << s->storage() << "\n  delete:\n    enabled: true\nhttp:\n  addr: " << s->host()
                              << "\n" << auth;
    if (!s->spawn() || !s->wait_ready()) {
      *why = "docker-registry did not start; log:\n" + s->log();
      return nullptr;
    }
    return s;
  }

  ~RegistryServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st;
      ::waitpid(pid_, &st, 0);
    }
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string storage() const { return dir_.path() + "/storage"; }
  std::string config() const { return dir_.path() + "/config.yml"; }
  std::string log() const { return run_command("cat '" + dir_.path() + "/registry.log'").output; }
  // The file holding a blob's bytes in the registry's storage.
  std::string blob_data_path(const std::string& hex) const {
    return storage() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
  }

 private:
  RegistryServer() : dir_("ocbuild-registry-") {}

  bool spawn() {
    std::string logfile = dir_.path() + "/registry.log";
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      FILE* f = std::fopen(logfile.c_str(), "w");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::string cfg = config();
      ::execl(kRegistryBinary, "docker-registry", "serve", cfg.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return true;
  }

  bool wait_ready() {
    registry::TransportOptions o;
    o.max_attempts = 1;
    registry::Transport t(o);
    for (int i = 0; i < 200; ++i) {
      try {
        registry::HttpRequest r;
        r.url = "http://" + host() + "/v2/";
        long st = t.send(r).status;
        if (st == 200 || st == 401) return true;
      } catch (...) {
      }
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A fixture with one registry for the whole suite (Derived::registry_options()
// says how it is set up); its tests skip, saying why, when it cannot start.
template <typename Derived>
class RegistrySuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    server_ = RegistryServer::start(Derived::registry_options(), &why).release();
    if (!server_) why_ = why;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << why_;
  }

 public:
  static RegistryServer::Options registry_options() { return {}; }

 protected:

  static inline RegistryServer* server_ = nullptr;
  static inline std::string why_;
};

}  // namespace ocbuild::testing
