// Smarthosts that misbehave: the relay defers, with bounded memory and time.
#include <boost/test/unit_test.hpp>

#include "fake_smarthost.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

namespace {

RecipientResult deliverTo(const FakeScript& script, std::chrono::seconds timeout = std::chrono::seconds(5)) {
  FakeSmarthost fake(script);
  MessageFiles files;
  RelayOptions options = plainOptions(fake.port());
  options.connectTimeout = options.commandTimeout = timeout;
  Relay relay(options);
  return relay.deliver(files.message("x\r\n")).recipients.at(0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile)

BOOST_AUTO_TEST_CASE(overlong_reply_line_is_a_protocol_error) {
  FakeScript script;
  script.ehloRaw = std::string(1 << 20, 'A');  // a megabyte and no line end
  const RecipientResult r = deliverTo(script);
  BOOST_TEST(outcomeName(r.outcome) == "Deferred");
  BOOST_TEST(startsWith(r.reply, "protocol error from 127.0.0.1:"), r.reply);
  BOOST_TEST(contains(r.reply, "reply line longer than 4096 bytes"), r.reply);
}

BOOST_AUTO_TEST_CASE(endless_multiline_reply_is_a_protocol_error) {
  FakeScript script;
  script.endlessEhlo = true;
  const RecipientResult r = deliverTo(script);
  BOOST_TEST(outcomeName(r.outcome) == "Deferred");
  BOOST_TEST(contains(r.reply, "reply longer than 128 lines"), r.reply);
}

BOOST_AUTO_TEST_CASE(garbage_reply_is_a_protocol_error) {
  FakeScript script;
  script.ehloRaw = "hello there\r\n";
  const RecipientResult r = deliverTo(script);
  BOOST_TEST(outcomeName(r.outcome) == "Deferred");
  BOOST_TEST(contains(r.reply, "malformed reply line 'hello there'"), r.reply);
}

BOOST_AUTO_TEST_CASE(silent_server_times_out) {
  FakeScript script;
  script.ehloRaw = "250-half a reply\r\n";  // and then nothing
  const RecipientResult r = deliverTo(script, std::chrono::seconds(1));
  BOOST_TEST(outcomeName(r.outcome) == "Deferred");
  BOOST_TEST(contains(r.reply, "timed out while performing the EHLO handshake"), r.reply);
}

BOOST_AUTO_TEST_CASE(control_characters_in_replies_stay_out_of_the_result) {
  FakeScript script;
  script.rcptReplies = {{"bob@example.net", std::string("550 5.1.1 no\x1b[31m such user")}};
  const RecipientResult r = deliverTo(script);
  BOOST_TEST(outcomeName(r.outcome) == "Failed");
  BOOST_TEST(r.reply == "550 5.1.1 no\\x1b[31m such user");
}

BOOST_AUTO_TEST_CASE(a_reply_cannot_add_fields_to_a_log_line) {
  FakeScript script;
  script.greeting = "421 4.3.2 busy\" smarthost=evil reason=forged\x1b[2J";
  const std::size_t logStart = LogCapture::instance().lines().size();
  const RecipientResult r = deliverTo(script);
  BOOST_TEST(outcomeName(r.outcome) == "Deferred");
  std::vector<std::string> lines;
  const auto all = LogCapture::instance().lines();
  for (std::size_t i = logStart; i < all.size(); ++i)
    if (contains(all[i], "event=disconnect") && contains(all[i], "busy")) lines.push_back(all[i]);
  BOOST_TEST_REQUIRE(!lines.empty());
  for (const std::string& line : lines) {
    // One quoted value (core::logValue): the quote the server sent is escaped, its fields are text. The
    // rendered reply already shows ESC as "\x1b" (core::printable), whose backslash logValue doubles.
    BOOST_TEST(contains(line, "reason=\"421 4.3.2 busy\\\" smarthost=evil reason=forged\\\\x1b[2J\""), line);
    BOOST_TEST(line.find(" smarthost=") == line.rfind(" smarthost=", line.find("reason=")), line);
    BOOST_TEST(!contains(line, "\x1b"), line);
  }
}

BOOST_AUTO_TEST_SUITE_END()
