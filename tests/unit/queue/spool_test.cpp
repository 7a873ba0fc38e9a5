#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "unit/queue/spool_fixture.h"

using postern::queue::Spool;
using postern::queue::SpoolOptions;
using postern::test::TempDir;
using postern::testing::sampleEnvelope;
using postern::testing::SpoolFixture;
namespace fs = postern::fs;

BOOST_FIXTURE_TEST_SUITE(spool, SpoolFixture)

BOOST_AUTO_TEST_CASE(creates_its_directories_private) {
  for (const auto& dir :
       {spool.layout().root, spool.layout().tmp, spool.layout().queue, spool.layout().quarantine}) {
    struct stat st {};
    BOOST_REQUIRE(::stat(dir.c_str(), &st) == 0);
    BOOST_TEST(S_ISDIR(st.st_mode));
    BOOST_TEST((st.st_mode & 0777) == 0700u);
  }
}

BOOST_AUTO_TEST_CASE(opens_an_existing_spool_without_touching_its_messages) {
  const std::string id = commitMessage("kept\r\n");
  Spool again(root);
  BOOST_TEST(again.list() == std::vector<std::string>{id});
}

BOOST_AUTO_TEST_CASE(lists_committed_messages_in_arrival_order_only) {
  const std::string first = commitMessage("1");
  const std::string second = commitMessage("2");
  auto inFlight = spool.begin(sampleEnvelope());
  inFlight.write("not yet");
  BOOST_TEST(spool.list() == (std::vector<std::string>{first, second}));
}

BOOST_AUTO_TEST_CASE(load_of_an_unknown_or_invalid_id_finds_nothing) {
  BOOST_TEST(!spool.load("0PN5Q7ZK3M1T2AB").has_value());
  BOOST_TEST(!spool.load("../../etc/passwd").has_value());
  BOOST_TEST(!spool.load("").has_value());
}

BOOST_AUTO_TEST_CASE(load_refuses_an_envelope_naming_another_message) {
  const std::string id = commitMessage("x");
  const std::string other = commitMessage("y");
  std::filesystem::copy_file(spool.layout().queuedEnvelope(other), spool.layout().queuedEnvelope(id),
                             std::filesystem::copy_options::overwrite_existing);
  BOOST_CHECK_THROW(spool.load(id), postern::queue::MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(update_rewrites_only_the_envelope) {
  const std::string id = commitMessage("body stays\r\n", "X-Old: 1\r\n");
  struct stat before {};
  BOOST_REQUIRE(::stat(spool.layout().queuedBody(id).c_str(), &before) == 0);
  auto message = spool.load(id).value();
  message.envelope.recipients.pop_back();
  spool.updateEnvelope(message);
  const auto reloaded = spool.load(id).value();
  BOOST_TEST(reloaded.envelope.recipients.size() == 1u);
  BOOST_TEST(reloaded.prependedHeaders == "X-Old: 1\r\n");
  struct stat after {};
  BOOST_REQUIRE(::stat(spool.layout().queuedBody(id).c_str(), &after) == 0);
  BOOST_TEST(before.st_ino == after.st_ino);
  BOOST_TEST(before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
  BOOST_TEST(fs::readFile(reloaded.bodyPath) == "body stays\r\n");
  BOOST_TEST(queueNames().size() == 2u);  // no temporary left over
}

BOOST_AUTO_TEST_CASE(update_of_a_removed_message_is_refused) {
  const std::string id = commitMessage("x");
  const auto message = spool.load(id).value();
  BOOST_TEST(spool.remove(id));
  BOOST_CHECK_THROW(spool.updateEnvelope(message), postern::core::Error);
  BOOST_TEST(queueNames().empty());
}

BOOST_AUTO_TEST_CASE(either_sync_method_commits_a_message_that_loads_back_whole) {
  for (const auto method : {SpoolOptions::SyncMethod::Filesystem, SpoolOptions::SyncMethod::Files}) {
    SpoolOptions options;
    options.syncMethod = method;
    Spool other(dir / (method == SpoolOptions::SyncMethod::Files ? "files" : "filesystem"), options);
    auto message = other.begin(postern::testing::sampleEnvelope());
    message.write("Subject: x\r\n\r\nbody\r\n");
    message.commit("X-Added: 1\r\n");
    const auto loaded = other.load(message.queueId()).value();
    BOOST_TEST(loaded.bodySize == 20u);
    BOOST_TEST(loaded.prependedHeaders == "X-Added: 1\r\n");
    BOOST_TEST(postern::fs::readFile(loaded.bodyPath) == "Subject: x\r\n\r\nbody\r\n");
    BOOST_TEST(postern::testing::namesIn(other.layout().tmp).empty());
  }
}

BOOST_AUTO_TEST_CASE(a_commit_never_replaces_a_queued_message_of_the_same_id) {
  for (const bool envelopeTaken : {false, true}) {
    auto message = spool.begin(sampleEnvelope());
    const std::string id = message.queueId();
    // What a second process on this spool, or a clock stepped back, could have left under the same ID.
    const auto taken = envelopeTaken ? spool.layout().queuedEnvelope(id) : spool.layout().queuedBody(id);
    fs::writeFileDurably(taken, "earlier message");
    message.write("Subject: x\r\n\r\nbody\r\n");
    BOOST_CHECK_THROW(message.commit(""), postern::core::Error);
    BOOST_TEST(fs::readFile(taken) == "earlier message");
    BOOST_TEST(tmpNames().empty());
    BOOST_TEST(queueNames() == std::vector<std::string>{taken.filename().string()});
    fs::removeFile(taken);
  }
}

BOOST_AUTO_TEST_CASE(a_remembered_envelope_loads_as_the_file_says_and_follows_updates_and_removal) {
  SpoolOptions options;
  options.rememberEnvelopes = true;
  Spool remembering(dir / "remembering", options);
  auto incoming = remembering.begin(sampleEnvelope());
  incoming.write("Subject: x\r\n\r\nbody\r\n");
  incoming.commit("X-Added: 1\r\n");
  const std::string id = incoming.queueId();
  // Taken from memory (the file is not read again: a change behind the spool's back does not show)...
  const auto fromMemory = remembering.load(id).value();
  // ...and the same as what a spool without the copy reads from the file.
  const auto fromFile = Spool(dir / "remembering").load(id).value();
  BOOST_TEST(postern::queue::encodeEnvelope(fromMemory) == postern::queue::encodeEnvelope(fromFile));
  BOOST_TEST(fromMemory.bodyPath == fromFile.bodyPath);
  auto updated = fromMemory;
  updated.envelope.recipients[0].state = postern::queue::DeliveryState::Delivered;
  remembering.updateEnvelope(updated);
  BOOST_TEST(
      (remembering.load(id)->envelope.recipients[0].state == postern::queue::DeliveryState::Delivered));
  BOOST_TEST((Spool(dir / "remembering").load(id)->envelope.recipients[0].state ==
              postern::queue::DeliveryState::Delivered));
  BOOST_TEST(remembering.remove(id));
  BOOST_TEST(!remembering.load(id).has_value());
}

BOOST_AUTO_TEST_CASE(remove_deletes_envelope_and_body) {
  const std::string id = commitMessage("x");
  BOOST_TEST(spool.remove(id));
  BOOST_TEST(queueNames().empty());
  BOOST_TEST(!spool.remove(id));
  BOOST_TEST(!spool.remove("../queue"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(accepting_mail_follows_the_free_space_reserve) {
  TempDir dir;
  SpoolOptions generous;
  generous.minFreeBytes = 0;
  BOOST_TEST(Spool(dir / "a", generous).acceptingMail());

  SpoolOptions impossible;
  impossible.minFreeBytes = std::numeric_limits<std::uint64_t>::max();
  Spool full(dir / "b", impossible);
  BOOST_TEST(!full.acceptingMail());
  BOOST_TEST(!full.acceptingMail());  // the cached answer
}

BOOST_AUTO_TEST_CASE(accepting_mail_is_false_when_free_space_cannot_be_read) {
  TempDir dir;
  SpoolOptions options;
  options.minFreeBytes = 0;
  options.freeSpaceCheckInterval = std::chrono::milliseconds(0);
  Spool spool(dir / "s", options);
  BOOST_TEST(spool.acceptingMail());
  std::filesystem::remove_all(dir / "s");
  BOOST_TEST(!spool.acceptingMail());
}

BOOST_AUTO_TEST_CASE(a_spool_under_a_missing_parent_is_an_error) {
  TempDir dir;
  BOOST_CHECK_THROW(Spool(dir / "missing" / "spool"), postern::core::Error);
}

BOOST_AUTO_TEST_SUITE(spool_header_section)

BOOST_FIXTURE_TEST_CASE(the_header_section_is_the_prepended_fields_then_the_bodys_headers,
                        postern::testing::SpoolFixture) {
  const std::string id =
      commitMessage("Subject: hi\r\nFrom: a@example.org\r\n\r\nbody text\r\n", "Received: x\r\n");
  const auto message = spool.load(id);
  BOOST_REQUIRE(message.has_value());
  BOOST_TEST(postern::queue::Spool::headerSection(*message) ==
             "Received: x\r\nSubject: hi\r\nFrom: a@example.org\r\n");
}

BOOST_FIXTURE_TEST_CASE(a_huge_header_section_is_read_only_up_to_the_limit, postern::testing::SpoolFixture) {
  std::string body;
  while (body.size() < 3 * postern::queue::Spool::kHeaderReadLimit)
    body += "X-Filler: " + std::string(80, 'f') + "\r\n";
  body += "\r\nbody\r\n";
  const auto message = spool.load(commitMessage(body));
  BOOST_REQUIRE(message.has_value());
  const std::string head = postern::queue::Spool::headerSection(*message);
  BOOST_TEST(head.size() <= postern::queue::Spool::kHeaderReadLimit);
  BOOST_TEST(head.size() > postern::queue::Spool::kHeaderReadLimit - 100);
  BOOST_TEST(head.substr(head.size() - 2) == "\r\n");  // cut at a line end
}

BOOST_AUTO_TEST_CASE(delivery_state_names_round_trip) {
  using postern::queue::DeliveryState;
  for (const auto s : {DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed})
    BOOST_TEST((postern::queue::deliveryStateFromName(postern::queue::deliveryStateName(s)) == s));
  BOOST_TEST(!postern::queue::deliveryStateFromName("sent").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
