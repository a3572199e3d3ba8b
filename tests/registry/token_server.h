#pragma once
// A tiny OAuth2 token server for the identity-token tests: a python3
// http.server script written to a temp dir, on 127.0.0.1 on a port it picks
// itself (bind to 0, port written to a file). Modes:
//   "oauth":    POST grant_type=refresh_token with the right refresh token ->
//               {"access_token"}; a wrong one -> 400 invalid_grant that echoes
//               the token it got (a careless server); GET -> 400.
//   "get-only": POST -> 405 ("get-only-404": 404); GET with Basic
//               "<token>:REFRESH" -> {"token"}, else 401 echoing the header.
// Every request is appended to requests.jsonl; the access log (request
// lines) goes to access.log. Killed when the object goes away.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "ocbuild/core/atomic_file.h"
#include "ocbuild/core/temp_dir.h"
#include "support/test_env.h"

namespace ocbuild::testing {

inline constexpr const char* kTokenServerScript = R"PY(
import base64, http.server, json, sys, urllib.parse
mode, refresh, access, folder = sys.argv[1:5]

class Handler(http.server.BaseHTTPRequestHandler):
    def record(self, body):
        with open(folder + "/requests.jsonl", "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body,
                                "authorization": self.headers.get("Authorization", ""),
                                "content_type": self.headers.get("Content-Type", "")}) + "\n")

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.record(body)
        if mode.startswith("get-only"):
            return self.reply(404 if mode.endswith("404") else 405, {"errors": [{"code": "UNSUPPORTED", "message": "method not allowed"}]})
        form = urllib.parse.parse_qs(body)
        got = form.get("refresh_token", [""])[0]
        if form.get("grant_type") == ["refresh_token"] and got == refresh:
            return self.reply(200, {"access_token": access, "expires_in": 300, "scope": form.get("scope", [""])[0]})
        self.reply(400, {"error": "invalid_grant", "error_description": "unknown refresh token " + got})

    def do_GET(self):
        self.record("")
        if not mode.startswith("get-only"):
            return self.reply(400, {"error": "invalid_request", "error_description": "use POST"})
        want = "Basic " + base64.b64encode(("<token>:" + refresh).encode()).decode()
        if self.headers.get("Authorization", "") == want:
            return self.reply(200, {"token": access, "expires_in": 300})
        self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials " +
                                     self.headers.get("Authorization", "")}]})

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(folder + "/port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(folder + "/port.tmp", folder + "/port")
server.serve_forever()
)PY";

class TokenServer {
 public:
  // nullptr (reason in *why) when python3 is missing or the server does not start.
  static std::unique_ptr<TokenServer> start(const std::string& mode, const std::string& refresh,
                                            const std::string& access, std::string* why) {
    if (!have_program("python3")) {
      *why = "python3 is not installed";
      return nullptr;
    }
    auto s = std::unique_ptr<TokenServer>(new TokenServer());
    write_file_atomic(s->dir_.path() + "/server.py", kTokenServerScript);
    s->spawn({mode, refresh, access});
    for (int i = 0; i < 200 && s->port_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if (std::filesystem::exists(s->dir_.path() + "/port")) s->port_ = read_file(s->dir_.path() + "/port");
    }
    if (s->port_.empty()) {
      *why = "the python3 token server did not start: " + s->access_log();
      return nullptr;
    }
    return s;
  }
  ~TokenServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st;
      ::waitpid(pid_, &st, 0);
    }
  }
  std::string host() const { return "127.0.0.1:" + port_; }
  std::string realm() const { return "http://" + host() + "/token"; }
  std::string requests() const { return read_or_empty(dir_.path() + "/requests.jsonl"); }
  std::string access_log() const { return read_or_empty(dir_.path() + "/access.log"); }

 private:
  TokenServer() : dir_("ocbuild-tokensrv-") {}
  static std::string read_or_empty(const std::string& path) {
    return std::filesystem::exists(path) ? read_file(path) : std::string();
  }
  void spawn(const std::vector<std::string>& args) {
    std::string script = dir_.path() + "/server.py", log = dir_.path() + "/access.log", folder = dir_.path();
    pid_ = ::fork();
    if (pid_ != 0) return;
    FILE* f = std::fopen(log.c_str(), "w");
    if (f) ::dup2(fileno(f), 2);
    ::execlp("python3", "python3", "-u", script.c_str(), args[0].c_str(), args[1].c_str(), args[2].c_str(),
             folder.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }

  TempDir dir_;
  std::string port_;
  pid_t pid_ = -1;
};

}  // namespace ocbuild::testing
