#pragma once
// A tiny HTTP/1.1 server for transport tests: one thread, one request per
// connection, answers from a handler and records every request. Lets tests
// see headers a real registry would hide (Authorization after a redirect).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ocbuild::testing {

struct FakeRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool has(const std::string& h) const { return headers.count(h) > 0; }
};

struct FakeResponse {
  FakeResponse(int s = 200, std::vector<std::pair<std::string, std::string>> h = {}, std::string b = {})
      : status(s), headers(std::move(h)), body(std::move(b)) {}
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Announce the whole body but send only this many bytes, then hang up.
  std::optional<size_t> cut_after;
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  FakeHttpServer(const std::string& address, Handler h) : handler_(std::move(h)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) return;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    host_ = address + ":" + std::to_string(ntohs(a.sin_port));
    thread_ = std::thread([this] { loop(); });
  }
  ~FakeHttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  bool ok() const { return !host_.empty(); }
  const std::string& host() const { return host_; }
  std::vector<FakeRequest> requests() {
    std::lock_guard l(mu_);
    return requests_;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }

  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return s;
  }

  void serve(int c) {
    std::string in;
    char buf[65536];
    size_t end;
    while ((end = in.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
    FakeRequest r;
    std::string head = in.substr(0, end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    r.method = first.substr(0, first.find(' '));
    r.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    for (size_t pos = line_end + 2; pos < head.size();) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos)
        r.headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
      pos = e + 2;
    }
    r.body = in.substr(end + 4);
    size_t want = r.has("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (r.body.size() < want) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      r.body.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard l(mu_);
      requests_.push_back(r);
    }
    FakeResponse resp = handler_(r);
    std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " X\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(resp.body.size()) + "\r\n";
    for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
    out += "\r\n";
    if (r.method != "HEAD") out += resp.body.substr(0, resp.cut_after.value_or(resp.body.size()));
    for (size_t off = 0; off < out.size();) {
      ssize_t n = ::write(c, out.data() + off, out.size() - off);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  int fd_ = -1;
  std::string host_;
  Handler handler_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<FakeRequest> requests_;
};

}  // namespace ocbuild::testing
