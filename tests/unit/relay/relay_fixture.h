// Shared pieces of the relay suite: options pointing at a fake smarthost, messages with their body in a
// temporary file, an in-memory log of the "relay" logger (to prove that secrets never reach it), and
// outcome helpers.
#pragma once

#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "relay/relay.h"
#include "support/temp_dir.h"

namespace postern::test {

// Every message the "relay" logger wrote during the suite (it runs at debug level).
class LogCapture final : public Poco::Channel {
 public:
  void log(const Poco::Message& msg) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(msg.getText());
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  static LogCapture& instance();

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

inline relay::RelayOptions plainOptions(std::uint16_t port) {
  relay::RelayOptions options;
  options.smarthosts = {{"127.0.0.1", port}};
  options.tls = relay::TlsMode::None;
  options.heloName = "relay.test";
  options.connectTimeout = std::chrono::seconds(5);
  options.commandTimeout = std::chrono::seconds(5);
  options.dataTimeout = std::chrono::seconds(5);
  options.idleTimeout = std::chrono::seconds(60);
  options.maxConnections = 2;
  return options;
}

class MessageFiles {
 public:
  relay::OutboundMessage message(const std::string& body,
                                 std::vector<std::string> recipients = {"bob@example.net"},
                                 std::string sender = "alice@example.org") {
    const std::string path = dir_.file("body" + std::to_string(next_++));
    std::ofstream(path, std::ios::binary) << body;
    relay::OutboundMessage m;
    m.sender = std::move(sender);
    m.recipients = std::move(recipients);
    m.bodyPath = path;
    m.bodySize = body.size();
    return m;
  }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  int next_ = 0;
};

inline const char* outcomeName(relay::Outcome o) {
  switch (o) {
    case relay::Outcome::Delivered:
      return "Delivered";
    case relay::Outcome::Deferred:
      return "Deferred";
    case relay::Outcome::Failed:
      return "Failed";
  }
  return "?";
}

inline bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace postern::test
