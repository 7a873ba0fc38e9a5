// Test DNS servers on loopback: Debian's dnsmasq, authoritative for ".test" and serving the TXT records a
// test names, and a UDP socket that never answers (a resolver that times out). For integration tests;
// dnsmasq comes from the dnsmasq-base package (deploy/install-deps.sh --test).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace postern::test {

// A loopback UDP socket bound to a free port; it reads nothing, so queries sent to it go unanswered.
class SilentDnsServer {
 public:
  SilentDnsServer() : fd_(socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot bind a UDP socket on loopback");
    port_ = ntohs(a.sin_port);
  }
  ~SilentDnsServer() { close(fd_); }
  SilentDnsServer(const SilentDnsServer&) = delete;
  SilentDnsServer& operator=(const SilentDnsServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// dnsmasq on 127.0.0.1, answering NXDOMAIN for unknown names under .test and REFUSED outside it.
// txtRecords: {name, text} pairs; a text longer than 255 octets is served split into 255-octet strings,
// commas in it separate strings, and the same name twice gives two records.
class Dnsmasq {
 public:
  explicit Dnsmasq(const std::vector<std::pair<std::string, std::string>>& txtRecords,
                   const std::vector<std::string>& moreOptions = {}) {
    {
      SilentDnsServer probe;  // a port free for UDP; dnsmasq takes the same number for TCP
      port_ = probe.port();
    }
    std::vector<std::string> args = {"dnsmasq",
                                     "--no-daemon",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--conf-file=/dev/null",
                                     "--pid-file",
                                     "--port=" + std::to_string(port_),
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     "--local=/test/"};
    for (const auto& [name, text] : txtRecords) args.push_back("--txt-record=" + name + "," + text);
    args.insert(args.end(), moreOptions.begin(), moreOptions.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "dnsmasq", nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start dnsmasq (apt-get install dnsmasq-base)");
    waitUntilListening();
  }
  ~Dnsmasq() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  Dnsmasq(const Dnsmasq&) = delete;
  Dnsmasq& operator=(const Dnsmasq&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void waitUntilListening() const {
    // Readiness, not timing: try the TCP port until dnsmasq accepts, for at most five seconds.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port_);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(fd);
      if (up) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) throw std::runtime_error("dnsmasq exited at start");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("dnsmasq did not start listening");
  }

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace postern::test
