#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "unit/queue/spool_fixture.h"

using postern::queue::Spool;
using postern::testing::sampleEnvelope;
using postern::testing::SpoolFixture;
namespace fs = postern::fs;

namespace {

const std::vector<std::string> kNothing;

// Runs body in a child process that then ends with _exit: no destructors, no cleanup, as after a crash
// or a kill -9. Only this thread exists in the child, which is all the spool code needs.
template <typename Body>
void inCrashingChild(Body body) {
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      body();
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(status));
  BOOST_REQUIRE(WEXITSTATUS(status) == 0);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(spool_recovery, SpoolFixture)

BOOST_AUTO_TEST_CASE(keeps_good_messages) {
  const std::string a = commitMessage("first\r\n");
  const std::string b = commitMessage("second\r\n");
  const auto report = spool.recover();
  BOOST_TEST(report.messages == 2u);
  BOOST_TEST(report.ids == (std::vector<std::string>{a, b}));
  BOOST_TEST(report.removedTemporaries == 0u);
  BOOST_TEST(report.quarantined == 0u);
  BOOST_TEST(report.notes.empty());
}

BOOST_AUTO_TEST_CASE(crash_during_data_leaves_only_temporaries_that_recovery_removes) {
  inCrashingChild([&] {
    Spool child(root);
    auto message = child.begin(sampleEnvelope());
    message.write(std::string(200 * 1024, 'p'));  // beyond the buffer, so partly on disk
    ::_exit(0);
  });
  BOOST_TEST(tmpNames().size() == 1u);
  Spool restarted(root);
  const auto report = restarted.recover();
  BOOST_TEST(report.removedTemporaries == 1u);
  BOOST_TEST(report.messages == 0u);
  BOOST_TEST(tmpNames() == kNothing);
  BOOST_TEST(queueNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(a_message_committed_before_a_crash_survives_it) {
  std::string id;
  int pipeFds[2];
  BOOST_REQUIRE(::pipe(pipeFds) == 0);
  inCrashingChild([&] {
    Spool child(root);
    auto message = child.begin(sampleEnvelope());
    message.write("acknowledged\r\n");
    message.commit("Received: by test\r\n");
    (void)!::write(pipeFds[1], message.queueId().data(), message.queueId().size());
    auto unfinished = child.begin(sampleEnvelope());
    unfinished.write("never acknowledged");
    ::_exit(0);
  });
  char buffer[64] = {};
  const auto n = ::read(pipeFds[0], buffer, sizeof buffer);
  ::close(pipeFds[0]);
  ::close(pipeFds[1]);
  BOOST_REQUIRE(n > 0);
  id.assign(buffer, static_cast<std::size_t>(n));

  Spool restarted(root);
  const auto report = restarted.recover();
  BOOST_TEST(report.ids == std::vector<std::string>{id});
  BOOST_TEST(report.removedTemporaries == 1u);
  const auto message = restarted.load(id).value();
  BOOST_TEST(fs::readFile(message.bodyPath) == "acknowledged\r\n");
  BOOST_TEST(message.prependedHeaders == "Received: by test\r\n");
}

BOOST_AUTO_TEST_CASE(removes_a_body_whose_envelope_never_arrived) {
  // The state a crash between the two renames of commit() leaves.
  const std::string kept = commitMessage("kept");
  const std::string orphan = "0PN5Q7ZK3M1T2AB";
  fs::writeFileDurably(spool.layout().queuedBody(orphan), "half committed");
  const auto report = spool.recover();
  BOOST_TEST(report.removedTemporaries == 1u);
  BOOST_TEST(report.ids == std::vector<std::string>{kept});
  BOOST_TEST(queueNames() == (std::vector<std::string>{kept + ".env", kept + ".msg"}));
}

BOOST_AUTO_TEST_CASE(removes_an_interrupted_envelope_rewrite) {
  const std::string id = commitMessage("x");
  fs::writeFileDurably(spool.layout().queue / ("." + id + ".env.tmp-Ab12Cd"), "half an envelope");
  const auto report = spool.recover();
  BOOST_TEST(report.removedTemporaries == 1u);
  BOOST_TEST(report.ids == std::vector<std::string>{id});
}

BOOST_AUTO_TEST_CASE(quarantines_an_envelope_that_does_not_parse) {
  const std::string good = commitMessage("good");
  const std::string bad = commitMessage("bad body");
  fs::writeFileDurably(spool.layout().queuedEnvelope(bad), "postern-envelope 1\nid " + bad + "\nsender");
  const auto report = spool.recover();
  BOOST_TEST(report.quarantined == 1u);
  BOOST_TEST(report.ids == std::vector<std::string>{good});
  BOOST_TEST(quarantineNames() == (std::vector<std::string>{bad + ".env", bad + ".msg"}));
  BOOST_TEST(fs::readFile(spool.layout().quarantine / (bad + ".msg")) == "bad body");
  BOOST_REQUIRE(report.notes.size() == 1u);
  BOOST_TEST(report.notes.front().find(bad) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(quarantines_an_envelope_whose_body_is_missing) {
  const std::string id = commitMessage("body");
  fs::removeFile(spool.layout().queuedBody(id));
  const auto report = spool.recover();
  BOOST_TEST(report.quarantined == 1u);
  BOOST_TEST(report.messages == 0u);
  BOOST_TEST(quarantineNames() == std::vector<std::string>{id + ".env"});
  BOOST_TEST(queueNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(quarantines_an_envelope_whose_body_is_short) {
  const std::string id = commitMessage("a body of some length");
  fs::writeFileDurably(spool.layout().queuedBody(id), "a body");
  const auto report = spool.recover();
  BOOST_TEST(report.quarantined == 1u);
  BOOST_TEST(quarantineNames() == (std::vector<std::string>{id + ".env", id + ".msg"}));
  BOOST_TEST(report.notes.front().find("envelope says 21") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(quarantines_unknown_files_instead_of_deleting_them) {
  fs::writeFileDurably(spool.layout().queue / "notes.txt", "someone's file");
  const auto report = spool.recover();
  BOOST_TEST(report.quarantined == 1u);
  BOOST_TEST(quarantineNames() == std::vector<std::string>{"notes.txt"});
}

BOOST_AUTO_TEST_CASE(quarantine_never_overwrites_an_earlier_quarantined_file) {
  fs::writeFileDurably(spool.layout().quarantine / "notes.txt", "first");
  fs::writeFileDurably(spool.layout().queue / "notes.txt", "second");
  spool.recover();
  BOOST_TEST(quarantineNames() == (std::vector<std::string>{"notes.txt", "notes.txt.1"}));
  BOOST_TEST(fs::readFile(spool.layout().quarantine / "notes.txt") == "first");
}

BOOST_AUTO_TEST_CASE(recovery_is_idempotent) {
  const std::string id = commitMessage("x");
  fs::writeFileDurably(spool.layout().tmp / "leftover.msg", "x");
  spool.recover();
  const auto second = spool.recover();
  BOOST_TEST(second.ids == std::vector<std::string>{id});
  BOOST_TEST(second.removedTemporaries == 0u);
  BOOST_TEST(second.quarantined == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
