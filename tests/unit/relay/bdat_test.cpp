// BDAT towards a smarthost that offers CHUNKING (RFC 3030): the chunking itself against a scripted link,
// then whole transactions against the fake smarthost.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <stdexcept>

#include "fake_smarthost.h"
#include "relay/bdat_sender.h"
#include "relay/body_file.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

namespace {

// A link that records every write and answers from a script (then 250 for chunks, the LAST reply last).
struct ScriptedLink {
  std::string written;
  std::vector<ServerReply> replies;  // in order; when they run out, readReply throws
  std::size_t read = 0;
  std::size_t writesBeforeFirstRead = 0;

  BdatLink link() {
    return BdatLink{[this](std::string_view bytes) {
                      if (read == 0) ++writesBeforeFirstRead;
                      written.append(bytes);
                    },
                    [this](bool) {
                      if (read >= replies.size()) throw std::runtime_error("connection lost");
                      return replies[read++];
                    }};
  }
};

ServerReply reply(int code, std::string text = "ok") { return ServerReply{code, {std::move(text)}}; }

struct BodyFixture {
  TempDir dir;
  std::unique_ptr<BodyFile> body(const std::string& content) {
    const std::string path = dir.file("body");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return std::make_unique<BodyFile>(path);
  }
};

DeliveryReport deliverOnce(const FakeScript& script, const OutboundMessage& message,
                           FakeSmarthost** out = nullptr) {
  static std::unique_ptr<FakeSmarthost> keep;
  keep = std::make_unique<FakeSmarthost>(script);
  Relay relay(plainOptions(keep->port()));
  DeliveryReport report = relay.deliver(message);
  if (out) *out = keep.get();
  return report;
}

FakeScript chunking(bool pipelining = true) {
  FakeScript s;
  s.extensions = {"SIZE 10485760", "8BITMIME", "SMTPUTF8", "CHUNKING"};
  if (pipelining) s.extensions.push_back("PIPELINING");
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bdat)

BOOST_FIXTURE_TEST_CASE(a_small_message_is_one_bdat_last_with_its_exact_size, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250, "queued")};
  const auto b = body("Subject: x\r\n\r\n.dot\r\n");
  BOOST_TEST(sendChunked("P: 1\r\n", *b, s.link(), false).lines.front() == "queued");
  BOOST_TEST(s.written == "BDAT 26 LAST\r\nP: 1\r\nSubject: x\r\n\r\n.dot\r\n");  // no dot-stuffing
}

BOOST_FIXTURE_TEST_CASE(chunks_are_cut_at_the_bound_across_prefix_and_body, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250), reply(250), reply(250, "last")};
  const auto b = body("abcdefg");
  BOOST_TEST(sendChunked("PQR", *b, s.link(), false, 4).lines.front() == "last");
  BOOST_TEST(s.written ==
             "BDAT 4\r\nPQRa"
             "BDAT 4\r\nbcde"
             "BDAT 2 LAST\r\nfg");
}

BOOST_FIXTURE_TEST_CASE(an_exact_multiple_ends_with_a_full_last_chunk_and_empty_is_bdat_0_last, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250), reply(250)};
  const auto b = body("abcdefgh");
  sendChunked("", *b, s.link(), false, 4);
  BOOST_TEST(s.written ==
             "BDAT 4\r\nabcd"
             "BDAT 4 LAST\r\nefgh");
  ScriptedLink empty;
  empty.replies = {reply(250)};
  const auto none = body("");
  sendChunked("", *none, empty.link(), false);
  BOOST_TEST(empty.written == "BDAT 0 LAST\r\n");
}

BOOST_FIXTURE_TEST_CASE(without_pipelining_a_refused_chunk_stops_the_sending_rfc3030_2, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250), reply(552, "too big")};
  const auto b = body("abcdefghijkl");
  const ServerReply r = sendChunked("", *b, s.link(), false, 4);
  BOOST_TEST(r.code == 552);
  BOOST_TEST(s.written ==
             "BDAT 4\r\nabcd"
             "BDAT 4\r\nefgh");  // the third chunk never left
  BOOST_TEST(s.read == 2u);
}

BOOST_FIXTURE_TEST_CASE(with_pipelining_every_chunk_goes_before_any_reply_is_read, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250), reply(250), reply(250, "done")};
  const auto b = body("abcdefghij");
  BOOST_TEST(sendChunked("", *b, s.link(), true, 4).lines.front() == "done");
  BOOST_TEST(s.writesBeforeFirstRead == 3u);
  BOOST_TEST(s.read == 3u);  // in step: every reply was read
}

BOOST_FIXTURE_TEST_CASE(with_pipelining_the_first_refusal_decides_and_the_rest_are_read, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250), reply(451, "busy"), reply(554, "discarded")};
  const auto b = body("abcdefghij");
  const ServerReply r = sendChunked("", *b, s.link(), true, 4);
  BOOST_TEST(r.code == 451);
  BOOST_TEST(s.read == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_connection_lost_after_a_refusal_still_reports_the_refusal, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(421, "closing")};  // then the link throws
  const auto b = body("abcdefghij");
  BOOST_TEST(sendChunked("", *b, s.link(), true, 4).code == 421);
  ScriptedLink none;  // and without a refusal the failure propagates
  BOOST_CHECK_THROW(sendChunked("", *b, none.link(), true, 4), std::runtime_error);
}

BOOST_FIXTURE_TEST_CASE(a_body_shorter_than_its_size_throws_instead_of_sending_a_short_chunk, BodyFixture) {
  ScriptedLink s;
  s.replies = {reply(250)};
  const auto b = body("abcdefghij");
  std::filesystem::resize_file(dir.file("body"), 3);  // shrinks after its size was taken
  BOOST_CHECK_THROW(sendChunked("", *b, s.link(), false), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(delivers_with_bdat_when_chunking_is_offered) {
  MessageFiles files;
  OutboundMessage m = files.message("Subject: dots\r\n\r\n.hello\r\n.\r\nlast\r\n");
  m.prefix = "DKIM-Signature: v=1\r\n";
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(chunking(), m, &fake);
  BOOST_REQUIRE_EQUAL(report.recipients.size(), 1u);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_TEST(report.recipients[0].reply == "250 2.0.0 Ok: queued as FAKE");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const ReceivedConnection c = fake->connections().at(0);
  const std::string content = "DKIM-Signature: v=1\r\nSubject: dots\r\n\r\n.hello\r\n.\r\nlast\r\n";
  BOOST_TEST(c.chunks.size() == 1u);
  BOOST_TEST(c.data == content);
  BOOST_TEST(c.has("BDAT " + std::to_string(content.size()) + " LAST"));
  BOOST_TEST(!c.has("DATA"));
}

BOOST_AUTO_TEST_CASE(a_large_message_goes_in_bounded_pipelined_chunks) {
  std::string body;
  for (int i = 0; body.size() < 2 * kBdatChunkSize + 1000; ++i) body += "line " + std::to_string(i) + "\r\n";
  MessageFiles files;
  FakeScript script = chunking();
  script.holdChunkReplies = true;  // a client that waited for each chunk's reply would stall here
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message(body), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const ReceivedConnection c = fake->connections().at(0);
  BOOST_TEST_REQUIRE(c.chunks.size() == 3u);
  BOOST_TEST(c.chunks[0].size() == kBdatChunkSize);
  BOOST_TEST(c.chunks[1].size() == kBdatChunkSize);
  BOOST_TEST(c.has("BDAT " + std::to_string(body.size() - 2 * kBdatChunkSize) + " LAST"));
  BOOST_TEST((c.data == body));
}

BOOST_AUTO_TEST_CASE(without_pipelining_each_chunk_waits_for_its_reply) {
  std::string body(kBdatChunkSize + 10, 'x');
  body += "\r\n";
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(chunking(false), files.message(body), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(fake->connections()[0].chunks.size() == 2u);
  BOOST_TEST(!fake->connections()[0].spokeOutOfTurn);
}

BOOST_AUTO_TEST_CASE(a_refused_chunk_decides_the_accepted_recipients_like_a_refused_data) {
  MessageFiles files;
  FakeScript script = chunking();
  script.rcptReplies["nobody@example.net"] = "550 5.1.1 unknown";
  script.chunkReplies[0] = "554 5.6.0 content refused";
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report =
      deliverOnce(script, files.message("x\r\n", {"bob@example.net", "nobody@example.net"}), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_TEST(report.recipients[0].reply == "554 5.6.0 content refused");
  BOOST_TEST(report.recipients[1].reply == "550 5.1.1 unknown");
}

BOOST_AUTO_TEST_CASE(a_temporary_refusal_of_last_defers) {
  MessageFiles files;
  FakeScript script = chunking();
  script.chunkReplies[0] = "451 4.3.0 try later";
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "451 4.3.0 try later");
}

BOOST_AUTO_TEST_CASE(no_accepted_recipient_means_no_bdat) {
  MessageFiles files;
  FakeScript script = chunking();
  script.rcptReplies["bob@example.net"] = "550 5.1.1 unknown";
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n"), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake->connections()[0].has("BDAT"));
  BOOST_TEST(fake->connections()[0].chunks.empty());
}

BOOST_AUTO_TEST_CASE(a_connection_dropped_during_a_chunk_defers) {
  MessageFiles files;
  FakeScript script = chunking();
  script.dropDuringData = true;
  const DeliveryReport report = deliverOnce(script, files.message(std::string(300000, 'y') + "\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
}

BOOST_AUTO_TEST_SUITE_END()
