// SmtpServer::State — what all connections of one server share: environment, TLS context, the shutdown
// flag and the connection counts behind the caps. Internal to net. Thread-safety: all members are
// atomics or guarded by mutex_.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>

#include "net/smtp_server.h"

namespace postern::net {

struct SmtpServer::State {
  ServerOptions options;
  SessionEnvironment environment;
  Poco::Net::Context::Ptr tlsContext;

  std::atomic<bool> stopping{false};
  std::atomic<std::int64_t> graceDeadlineNs{0};  // steady_clock, valid once stopping
  std::atomic<std::uint64_t> nextConnectionId{1};

  // Admission: returns an empty string when admitted, else the reason for refusing.
  std::string admit(const std::string& clientAddress);
  void release(const std::string& clientAddress);
  std::size_t active() const;
  // Waits until no connection is active or the deadline passes; true when drained.
  bool waitDrained(std::chrono::steady_clock::time_point deadline);

 private:
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t active_ = 0;
  std::map<std::string, std::size_t> perAddress_;
};

}  // namespace postern::net
