// `ocbuild login REGISTRY -u USER --password-stdin`: checks the credentials
// against the registry, then stores them in the docker config.json (0600).
#include <iostream>
#include <string>

#include "cli/command.h"
#include "ocbuild/core/error.h"
#include "ocbuild/registry/auth.h"
#include "ocbuild/registry/client.h"

namespace ocbuild::cli {
namespace {

struct LoginOptions {
  std::string registry;
  std::string username;
  bool password_stdin = false;
  bool tls_verify = true;
};

// "https://host:5000/" -> "host:5000".
std::string registry_host(std::string r) {
  if (auto p = r.find("://"); p != std::string::npos) r = r.substr(p + 3);
  if (auto p = r.find('/'); p != std::string::npos) r = r.substr(0, p);
  if (r.empty()) throw Error(ErrorCode::Invalid, "login: empty registry name");
  return r;
}

std::string read_password() {
  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
  if (password.empty()) throw Error(ErrorCode::Invalid, "login: no password on stdin");
  return password;
}

void run_login(const LoginOptions& o) {
  if (!o.password_stdin) throw Error(ErrorCode::Invalid, "login: pass the password on stdin with --password-stdin");
  if (o.username.empty()) throw Error(ErrorCode::Invalid, "login: a username is required (-u USER)");
  std::string host = registry_host(o.registry);
  registry::ClientOptions copts;
  copts.credentials = registry::Credentials{o.username, read_password()};
  copts.use_credential_store = false;
  copts.transport.tls_verify = o.tls_verify;
  copts.transport.warn = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
  registry::Client client(host, "", copts);
  client.verify_login();
  registry::store_credentials(host, *copts.credentials);
  std::cout << "Login Succeeded (credentials stored in " << registry::docker_config_path() << ")\n";
}

RegisterCommand reg("login", [](CLI::App& app, GlobalOptions&) {
  auto o = std::make_shared<LoginOptions>();
  auto* sub = app.add_subcommand("login", "log in to a registry and store the credentials");
  sub->add_option("registry", o->registry, "registry host, e.g. 127.0.0.1:5000")->required();
  sub->add_option("-u,--username", o->username, "user name");
  sub->add_flag("--password-stdin", o->password_stdin, "read the password from stdin");
  sub->add_option("--tls-verify", o->tls_verify, "verify TLS certificates (default true)");
  sub->callback([o] { run_login(*o); });
});

}  // namespace
}  // namespace ocbuild::cli
