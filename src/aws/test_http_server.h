// A scripted HTTP/1.1 server on a loopback port for the aws unit tests: it
// answers the n-th request with the n-th canned response and records what it
// received, so the client's signing, retries and error mapping are tested
// over a real socket without AWS.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ig::aws::testing {

struct CannedResponse {
  int status = 200;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
};

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<CannedResponse> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The raw requests (head and body) received so far.
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (size_t i = 0;; ++i) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req = read_request(c);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(req);
      }
      CannedResponse r = i < script_.size() ? script_[i] : CannedResponse{500, "script exhausted", {}};
      std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(r.body.size()) + "\r\n";
      for (const auto& h : r.headers) out += h + "\r\n";
      out += "\r\n" + r.body;
      (void)!::write(c, out.data(), out.size());
      ::close(c);
    }
  }
  static std::string read_request(int c) {
    std::string req;
    char buf[4096];
    size_t need = std::string::npos;
    while (need == std::string::npos || req.size() < need) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
      auto end = req.find("\r\n\r\n");
      if (end != std::string::npos && need == std::string::npos) {
        size_t length = 0;
        std::string head = req.substr(0, end);
        for (const char* name : {"Content-Length: ", "content-length: "}) {
          auto p = head.find(name);
          if (p != std::string::npos) length = std::stoul(head.substr(p + 16));
        }
        need = end + 4 + length;
      }
    }
    return req;
  }

  std::vector<CannedResponse> script_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

}  // namespace ig::aws::testing
