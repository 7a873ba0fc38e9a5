// tests: a spool in a fresh temporary directory, and the small helpers the queue suites share.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "fs/file_io.h"
#include "queue/envelope.h"
#include "queue/spool.h"
#include "support/temp_dir.h"

namespace postern::testing {

inline queue::EnvelopeData sampleEnvelope() {
  queue::EnvelopeData e;
  e.sender = {"alice", "example.org"};
  e.recipients = {queue::Recipient::pending({"bob", "example.com"}),
                  queue::Recipient::pending({"carol", "example.net"})};
  e.login = "alice";
  e.clientAddress = "192.0.2.7";
  e.heloName = "laptop.example.org";
  e.smtputf8 = false;
  e.eightBitMime = true;
  e.arrival = std::chrono::system_clock::time_point(std::chrono::seconds(1764523673));
  return e;
}

inline std::vector<std::string> namesIn(const std::filesystem::path& dir) { return fs::listDirectory(dir); }

struct SpoolFixture {
  test::TempDir dir;
  std::filesystem::path root = dir / "spool";
  queue::Spool spool{root};

  std::vector<std::string> tmpNames() const { return namesIn(spool.layout().tmp); }
  std::vector<std::string> queueNames() const { return namesIn(spool.layout().queue); }
  std::vector<std::string> quarantineNames() const { return namesIn(spool.layout().quarantine); }

  std::string commitMessage(const std::string& body, const std::string& headers = "",
                            const queue::EnvelopeData& envelope = sampleEnvelope()) {
    auto message = spool.begin(envelope);
    message.write(body);
    message.commit(headers);
    return message.queueId();
  }
};

}  // namespace postern::testing
