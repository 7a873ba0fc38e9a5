#include <boost/test/unit_test.hpp>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fs/file_io.h"
#include "unit/queue/spool_fixture.h"

using postern::testing::sampleEnvelope;
using postern::testing::SpoolFixture;
namespace fs = postern::fs;

namespace {

// A body that names its thread and sequence number, so a mixed-up or torn file is detectable.
std::string bodyFor(int thread, int sequence) {
  std::string body = "Subject: t" + std::to_string(thread) + " m" + std::to_string(sequence) + "\r\n\r\n";
  for (int line = 0; line < 40 + sequence; ++line) {
    body += std::to_string(thread) + ":" + std::to_string(sequence) + ":" + std::to_string(line) + "\r\n";
  }
  return body;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(spool_concurrency, SpoolFixture)

BOOST_AUTO_TEST_CASE(eight_threads_commit_fifty_messages_each_all_intact) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::mutex m;
  std::vector<std::pair<std::string, std::string>> committed;  // id, body
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string body = bodyFor(t, i);
        try {
          auto envelope = sampleEnvelope();
          envelope.login = "user" + std::to_string(t);
          auto message = spool.begin(envelope);
          // Two writes, with an abandoned message interleaved now and then, as real sessions do.
          message.write(std::string_view(body).substr(0, body.size() / 2));
          if (i % 10 == 0) {
            auto aborted = spool.begin(envelope);
            aborted.write("client went away");
          }
          message.write(std::string_view(body).substr(body.size() / 2));
          message.commit("X-Thread: " + std::to_string(t) + "\r\n");
          std::lock_guard lock(m);
          committed.emplace_back(message.queueId(), body);
        } catch (const std::exception& e) {
          std::lock_guard lock(m);
          failures.push_back(e.what());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  BOOST_TEST(failures.empty());
  BOOST_REQUIRE(committed.size() == static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> ids;
  for (const auto& [id, body] : committed) {
    ids.insert(id);
    const auto loaded = spool.load(id);
    BOOST_REQUIRE(loaded.has_value());
    BOOST_TEST(fs::readFile(loaded->bodyPath) == body);
    BOOST_TEST(loaded->bodySize == body.size());
  }
  BOOST_TEST(ids.size() == committed.size());
  BOOST_TEST(spool.list().size() == committed.size());
  BOOST_TEST(tmpNames().empty());
  const auto report = spool.recover();
  BOOST_TEST(report.messages == committed.size());
  BOOST_TEST(report.quarantined == 0u);
  BOOST_TEST(report.removedTemporaries == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
