// Registry errors a user meets, each ONE line naming the reference and what
// to do: unreachable (connection refused, DNS) and TLS failures. (Not found,
// unauthorized, digest mismatch and unsupported media type are covered next
// to the calls that raise them: client_test, session_test, auth_registry_test.)
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/error.h"
#include "ocbuild/core/temp_dir.h"
#include "ocbuild/registry/client.h"
#include "registry/registry_server.h"

namespace ocbuild::registry {
namespace {

using ocbuild::testing::have_program;
using ocbuild::testing::run_command;

constexpr const char* kManifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";

// A registry stand-in answering every GET with one OCI manifest: python3's
// http.server, over TLS with a self-signed certificate or over plain HTTP.
constexpr const char* kHttpsScript = R"PY(
import http.server, os, ssl, sys
address, folder, body, scheme = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
server = http.server.HTTPServer((address, 0), Handler)
if scheme == "https":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(folder + "/cert.pem", folder + "/key.pem")
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(folder + "/port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(folder + "/port.tmp", folder + "/port")
server.serve_forever()
)PY";

class ManifestServer {
 public:
  ManifestServer(const std::string& address, const std::string& scheme, std::string* why) {
    if (!have_program("python3") || !have_program("openssl")) {
      *why = "python3 or openssl is not installed";
      return;
    }
    std::string d = dir_.path();
    auto r = run_command("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                         "-subj /CN=ocbuild-test -keyout '" + d + "/key.pem' -out '" + d + "/cert.pem' 2>&1");
    if (r.status != 0) {
      *why = "openssl could not make a certificate: " + r.output;
      return;
    }
    write_file_atomic(d + "/server.py", kHttpsScript);
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* log = std::fopen((d + "/access.log").c_str(), "w");  // keep the test output readable
      if (log) ::dup2(fileno(log), 2);
      ::execlp("python3", "python3", (d + "/server.py").c_str(), address.c_str(), d.c_str(), kManifest,
               scheme.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && port_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if (std::filesystem::exists(d + "/port")) port_ = read_file(d + "/port");
    }
    if (port_.empty()) *why = "the python3 " + scheme + " server did not start";
    host_ = address + ":" + port_;
  }
  ~ManifestServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st;
      ::waitpid(pid_, &st, 0);
    }
  }
  bool ok() const { return !port_.empty(); }
  const std::string& host() const { return host_; }

 private:
  TempDir dir_{"ocbuild-tls-"};
  pid_t pid_ = -1;
  std::string port_, host_;
};

// A local IPv4 address that is not loopback (loopback registries get plain
// HTTP), or "" when the machine has none.
std::string non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
    char buf[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf)) found = buf;
  }
  ::freeifaddrs(list);
  return found;
}

ClientOptions quick_options() {
  ClientOptions o;
  o.use_credential_store = false;
  o.transport.max_attempts = 2;
  o.transport.initial_backoff = std::chrono::milliseconds(5);
  return o;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "more than one line: " << e.what();
    return e.what();
  }
  return "(no error)";
}

TEST(RegistryErrors, ConnectionRefusedSaysSo) {
  std::string host = "127.0.0.1:" + std::to_string(ocbuild::testing::free_port());
  Client c(host, "app", quick_options());
  EXPECT_EQ(error_of([&] { c.get_manifest("1"); }),
            host + "/app:1: registry " + host + " unreachable: connection refused (is it running, and is the port right?)");
}

TEST(RegistryErrors, DnsFailureNamesTheHost) {
  Client c("no-such-registry.invalid", "team/app", quick_options());
  EXPECT_EQ(error_of([&] { c.get_manifest("v1"); }),
            "no-such-registry.invalid/team/app:v1: registry no-such-registry.invalid unreachable: DNS lookup of "
            "'no-such-registry.invalid' failed; check the name and your network");
  Client with_port("no-such-registry.invalid:5000", "app", quick_options());
  EXPECT_NE(error_of([&] { with_port.get_manifest("1"); }).find("DNS lookup of 'no-such-registry.invalid' failed"),
            std::string::npos);
}

TEST(RegistryErrors, SelfSignedCertificateSaysHowToProceed) {
  std::string address = non_loopback_address();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address to serve HTTPS on";
  std::string why;
  ManifestServer server(address, "https", &why);
  if (!server.ok()) GTEST_SKIP() << why;
  std::string h = server.host();
  std::string msg = error_of([&] { Client(h, "app", quick_options()).get_manifest("1"); });
  EXPECT_EQ(msg.rfind(h + "/app:1: TLS failure with " + h + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("certificate"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pass --tls-verify=false or --insecure-registry " + h), std::string::npos) << msg;

  // Both ways out work.
  std::vector<std::string> warnings;
  ClientOptions unverified = quick_options();
  unverified.transport.tls_verify = false;
  unverified.transport.warn = [&](const std::string& w) { warnings.push_back(w); };
  EXPECT_EQ(Client(h, "app", unverified).get_manifest("1").bytes, kManifest);
  ASSERT_FALSE(warnings.empty());
  EXPECT_EQ(warnings[0], "TLS certificate verification is disabled for " + h);
  ClientOptions insecure = quick_options();
  insecure.transport.insecure_hosts = {h};
  EXPECT_EQ(Client(h, "app", insecure).get_manifest("1").bytes, kManifest);
}

TEST(RegistryErrors, TlsFailureOnLoopbackNamesTheFlags) {
  std::string why;
  ManifestServer server("127.0.0.1", "https", &why);
  if (!server.ok()) GTEST_SKIP() << why;
  Transport t(quick_options().transport);
  HttpRequest r;
  r.url = "https://" + server.host() + "/v2/";
  std::string msg = error_of([&] { t.send(r); });
  EXPECT_EQ(msg.rfind("TLS failure with " + server.host() + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("--tls-verify=false or --insecure-registry " + server.host()), std::string::npos) << msg;
}

TEST(RegistryErrors, InsecureHostOnPlainHttpIsReachedAfterHttps) {
  std::string address = non_loopback_address();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address to serve on";
  std::string why;
  ManifestServer server(address, "http", &why);
  if (!server.ok()) GTEST_SKIP() << why;
  std::string h = server.host();
  std::string msg = error_of([&] { Client(h, "app", quick_options()).get_manifest("1"); });
  EXPECT_EQ(msg.rfind(h + "/app:1: TLS failure with " + h + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("--insecure-registry " + h), std::string::npos) << msg;
  ClientOptions insecure = quick_options();
  insecure.transport.insecure_hosts = {h};
  Client c(h, "app", insecure);
  EXPECT_EQ(c.get_manifest("1").bytes, kManifest);  // HTTPS refused, then plain HTTP
  EXPECT_EQ(c.get_manifest("1").bytes, kManifest);
}

}  // namespace
}  // namespace ocbuild::registry
