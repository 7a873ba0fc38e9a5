#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "unit/queue/spool_fixture.h"

using postern::queue::IncomingMessage;
using postern::testing::sampleEnvelope;
using postern::testing::SpoolFixture;
namespace fs = postern::fs;

namespace {

const std::vector<std::string> kNothing;

// Binary, 8-bit and line-end edge cases in one body: every byte value, CRLF, a bare LF and CR, a line
// that is only ".", and a tail without a line end.
std::string awkwardBody() {
  std::string body =
      "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n\r\nGrüße aus Köln\r\n.\r\nbare\nlf and bare\rcr\r\n";
  for (int i = 0; i < 256; ++i) body.push_back(static_cast<char>(i));
  body += "\r\nno final line end";
  return body;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(incoming_message, SpoolFixture)

BOOST_AUTO_TEST_CASE(destroyed_without_commit_leaves_nothing) {
  {
    auto message = spool.begin(sampleEnvelope());
    message.write(std::string(200 * 1024, 'x'));  // beyond the buffer: really on disk
    BOOST_TEST(tmpNames().size() == 1u);
  }
  BOOST_TEST(tmpNames() == kNothing);
  BOOST_TEST(queueNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(commit_stores_the_body_bytes_exactly) {
  const std::string body = awkwardBody();
  auto message = spool.begin(sampleEnvelope());
  // Many small writes, then one larger than the buffer, as a DATA reader delivers them.
  for (char c : body) message.write(std::string_view(&c, 1));
  const std::string big(300 * 1024, '\x80');
  message.write(big);
  message.commit("");
  BOOST_TEST(message.committed());
  BOOST_TEST(message.size() == body.size() + big.size());
  const auto loaded = spool.load(message.queueId());
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(fs::readFile(loaded->bodyPath) == body + big);
  BOOST_TEST(loaded->bodySize == body.size() + big.size());
  BOOST_TEST(tmpNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(commit_produces_body_and_envelope_in_the_queue) {
  const std::string headers = "Received: from x by y; Sun, 30 Nov 2025 17:27:53 +0000\r\nDate: now\r\n";
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n", headers);
  BOOST_TEST(queueNames() == (std::vector<std::string>{id + ".env", id + ".msg"}));
  const auto loaded = spool.load(id);
  BOOST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->id == id);
  BOOST_TEST((loaded->envelope == sampleEnvelope()));
  BOOST_TEST(loaded->prependedHeaders == headers);
  // The prepended block lives in the envelope; the body file holds only what the client sent.
  BOOST_TEST(fs::readFile(spool.layout().queuedBody(id)) == "Subject: hi\r\n\r\nbody\r\n");
}

BOOST_AUTO_TEST_CASE(an_empty_body_commits) {
  const std::string id = commitMessage("");
  BOOST_TEST(spool.load(id)->bodySize == 0u);
}

BOOST_AUTO_TEST_CASE(writes_after_commit_are_refused) {
  auto message = spool.begin(sampleEnvelope());
  message.commit("");
  BOOST_CHECK_THROW(message.write("more"), postern::core::Error);
  BOOST_CHECK_THROW(message.commit(""), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(a_moved_message_is_owned_by_its_new_holder) {
  std::string id;
  {
    auto first = spool.begin(sampleEnvelope());
    first.write("part one ");
    IncomingMessage second(std::move(first));
    second.write("part two");
    // Destroying the moved-from object must not remove the files the new holder is writing.
    {
      IncomingMessage gone(std::move(second));
      second = std::move(gone);
    }
    second.commit("");
    id = second.queueId();
  }
  BOOST_TEST(fs::readFile(spool.layout().queuedBody(id)) == "part one part two");
}

BOOST_AUTO_TEST_CASE(begin_without_recipients_is_refused) {
  auto envelope = sampleEnvelope();
  envelope.recipients.clear();
  BOOST_CHECK_THROW(spool.begin(envelope), postern::core::Error);
  BOOST_TEST(tmpNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(failed_body_rename_leaves_no_partial_files) {
  // Swap queue/ for a plain file: the first rename of the commit fails with ENOTDIR.
  const auto queueDir = spool.layout().queue;
  const auto aside = root / "queue.aside";
  std::filesystem::rename(queueDir, aside);
  fs::writeFileDurably(queueDir, "not a directory");
  auto message = spool.begin(sampleEnvelope());
  message.write("body");
  BOOST_CHECK_THROW(message.commit(""), postern::core::Error);
  BOOST_TEST(!message.committed());
  BOOST_TEST(tmpNames() == kNothing);
  std::filesystem::remove(queueDir);
  std::filesystem::rename(aside, queueDir);
  BOOST_TEST(queueNames() == kNothing);
}

BOOST_AUTO_TEST_CASE(failed_envelope_rename_removes_the_body_already_queued) {
  auto message = spool.begin(sampleEnvelope());
  message.write("body");
  // A non-empty directory where the envelope should land: rename(2) of a file onto it fails (EISDIR), after
  // the body has already been renamed into queue/.
  const auto blocker = spool.layout().queuedEnvelope(message.queueId());
  std::filesystem::create_directory(blocker);
  fs::writeFileDurably(blocker / "x", "x");
  BOOST_CHECK_THROW(message.commit(""), postern::core::Error);
  std::filesystem::remove_all(blocker);
  BOOST_TEST(queueNames() == kNothing);
  BOOST_TEST(tmpNames() == kNothing);
  BOOST_CHECK_THROW(message.write("x"), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(failed_write_abandons_the_message_and_removes_its_file) {
  // A file size limit makes write(2) fail for real (EFBIG) once the buffer is flushed.
  auto message = spool.begin(sampleEnvelope());
  struct rlimit saved {};
  BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto savedHandler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = 1024;
  BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  bool threw = false;
  try {
    message.write(std::string(256 * 1024, 'x'));
  } catch (const postern::core::Error& e) {
    threw = true;
    BOOST_TEST(e.temporary());
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, savedHandler);
  BOOST_TEST(threw);
  BOOST_TEST(tmpNames() == kNothing);
  BOOST_CHECK_THROW(message.commit(""), postern::core::Error);
  BOOST_TEST(queueNames() == kNothing);
}

BOOST_AUTO_TEST_SUITE_END()
