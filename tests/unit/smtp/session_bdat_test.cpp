// Session: BDAT (RFC 3030 CHUNKING) — chunks read as exact octets, whatever the command's fate; the same
// content rules, author rules, signature and durable commit as DATA; refusals that keep the stream in step.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMessage = "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nHello.\r\n.\r\n..dot\r\n";
const std::string kQueued = "250 2.0.0 Ok: queued as Q1\r\n";

std::string bdat(std::string_view octets, bool last = false) {
  return "BDAT " + std::to_string(octets.size()) + (last ? " LAST" : "") + "\r\n" + std::string(octets);
}
std::string received(std::size_t n) { return "250 2.0.0 " + std::to_string(n) + " octets received\r\n"; }

struct SigningHarness : Harness {
  FakeSigner fake;
  SigningHarness() { signer = &fake; }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(session_bdat)

BOOST_AUTO_TEST_CASE(ehlo_offers_chunking_but_not_binarymime) {
  Harness h;
  const std::string ehlo = h.line("EHLO client.example");
  BOOST_TEST(ehlo.find("250-CHUNKING\r\n") != std::string::npos);
  BOOST_TEST(ehlo.find("BINARYMIME") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_last_chunk_queues_the_octets_as_they_are_without_unstuffing) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat(kMessage, true)) == kQueued);
  const auto& m = h.spool.lastMessage();
  BOOST_TEST(m.committed);
  BOOST_TEST(m.data == kMessage);  // "." and ".." lines are content: BDAT has no transparency
  BOOST_TEST(m.prepended.starts_with("Received: from client.example"));
  BOOST_TEST(h.output.logged(
      "queued", "id=Q1 from=<alice@example.org> recipients=1 size=" + std::to_string(kMessage.size())));
  BOOST_TEST(!h.session->inTransaction());
}

BOOST_AUTO_TEST_CASE(several_chunks_are_acknowledged_each_and_joined) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat(kMessage.substr(0, 10))) == received(10));
  BOOST_TEST(h.session->inTransaction());
  BOOST_TEST(h.send(bdat(kMessage.substr(10, 20))) == received(20));
  BOOST_TEST(h.send(bdat(kMessage.substr(30), true)) == kQueued);
  BOOST_TEST(h.spool.lastMessage().data == kMessage);
}

BOOST_AUTO_TEST_CASE(bdat_0_last_ends_the_message) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat(kMessage)) == received(kMessage.size()));
  BOOST_TEST(h.line("BDAT 0 LAST") == kQueued);
  BOOST_TEST(h.spool.lastMessage().data == kMessage);
}

BOOST_AUTO_TEST_CASE(a_chunk_that_looks_like_commands_is_content) {
  Harness h;
  h.inTransaction();
  const std::string evil = "QUIT\r\nMAIL FROM:<x@y>\r\n";
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n\r\n")) == received(27));
  BOOST_TEST(h.send(bdat(evil, true)) == kQueued);
  BOOST_TEST(!h.session->closed());
  BOOST_TEST(h.spool.lastMessage().data.ends_with(evil));
}

BOOST_AUTO_TEST_CASE(the_octets_may_arrive_one_byte_at_a_time) {
  Harness h;
  h.inTransaction();
  const std::string stream = bdat(kMessage.substr(0, 7)) + bdat(kMessage.substr(7), true) + "NOOP\r\n";
  std::string replies;
  for (const char c : stream) replies += h.send(std::string(1, c));
  BOOST_TEST(replies == received(7) + kQueued + "250 2.0.0 Ok\r\n");
  BOOST_TEST(h.spool.lastMessage().data == kMessage);
}

BOOST_AUTO_TEST_CASE(a_pipelined_transaction_with_its_chunks_in_one_feed_rfc3030_4) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\n" +
                    bdat(kMessage.substr(0, 20)) + bdat(kMessage.substr(20), true) + "QUIT\r\n") ==
             "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n" + received(20) + kQueued + "221 2.0.0 Bye\r\n");
  BOOST_TEST(h.spool.lastMessage().data == kMessage);
  BOOST_TEST(!h.output.logged("pipelining", "improper command pipelining after BDAT"));
}

BOOST_AUTO_TEST_CASE(a_crlf_split_across_chunks_is_one_line_end) {
  Harness h;
  h.inTransaction();
  h.send(bdat("From: alice@example.org\r"));
  h.send(bdat("\n\r"));
  BOOST_TEST(h.send(bdat("\nbody\r\n", true)) == kQueued);
  BOOST_TEST(h.spool.lastMessage().data == "From: alice@example.org\r\n\r\nbody\r\n");
}

BOOST_AUTO_TEST_CASE(a_bare_lf_is_refused_at_last_as_after_data) {
  Harness h;
  h.inTransaction();
  const std::string first = "From: alice@example.org\r\n\r\nline\n";
  BOOST_TEST(h.send(bdat(first)) == received(first.size()));
  BOOST_TEST(h.send(bdat(".\r\n", true)) == "550 5.5.2 Message contains bare CR or LF\r\n");
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(h.spool.lastMessage().destroyed);
}

BOOST_AUTO_TEST_CASE(a_cr_ending_one_chunk_and_a_non_lf_starting_the_next_is_a_bare_cr) {
  Harness h;
  h.inTransaction();
  h.send(bdat("From: alice@example.org\r\n\r\nx\r"));
  BOOST_TEST(h.send(bdat("y\r\n", true)) == "550 5.5.2 Message contains bare CR or LF\r\n");
}

BOOST_AUTO_TEST_CASE(a_cr_at_the_very_end_is_a_bare_cr) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n\r\nx\r", true)) ==
             "550 5.5.2 Message contains bare CR or LF\r\n");
}

BOOST_AUTO_TEST_CASE(a_last_line_without_crlf_gets_one) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n\r\nno end", true)) == kQueued);
  BOOST_TEST(h.spool.lastMessage().data == "From: alice@example.org\r\n\r\nno end\r\n");
}

BOOST_AUTO_TEST_CASE(a_long_line_split_across_chunks_is_still_too_long) {
  Harness h;
  h.inTransaction();
  h.send(bdat("From: alice@example.org\r\n\r\n" + std::string(600, 'x')));
  BOOST_TEST(h.send(bdat(std::string(600, 'y') + "\r\n", true)) ==
             "550 5.5.2 Message contains a line longer than 998 octets\r\n");
}

BOOST_AUTO_TEST_CASE(the_header_from_binding_is_checked_at_last) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send(bdat("From: mallory@evil.example\r\n")) == received(28));
  const std::string r = h.send(bdat("\r\nhi\r\n", true));
  BOOST_TEST(r.starts_with("550 5.7.1 "));
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(h.events.seen.back() == "refused:header_from");
}

BOOST_AUTO_TEST_CASE(the_display_name_policy_applies) {
  Harness h;
  h.inTransaction();
  const std::string r = h.send(bdat("From: \"bob@example.org\" <alice@example.org>\r\n\r\nx\r\n", true));
  BOOST_TEST(r.starts_with("550 5.7.1 "));
  BOOST_TEST(h.events.seen.back() == "refused:display_name");
}

BOOST_AUTO_TEST_CASE(a_chunk_past_the_size_limit_is_read_refused_552_and_ends_the_transaction) {
  Harness h;
  h.config.maxMessageSize = 100;
  h.inTransaction();
  BOOST_TEST(h.send(bdat(std::string(60, 'a'))) == received(60));
  // The octets are read and dropped before the reply (RFC 3030 §2); what follows is a command again.
  BOOST_TEST(h.send(bdat(std::string(41, 'b')) + "NOOP\r\n") ==
             "552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 Ok\r\n");
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(h.events.seen.back() == "refused:too_large");
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(exactly_the_size_limit_is_accepted) {
  Harness h;
  h.config.maxMessageSize = 100;
  h.inTransaction();
  const std::string m = "From: alice@example.org\r\n\r\n" + std::string(71, 'x') + "\r\n";
  BOOST_TEST(m.size() == 100u);
  BOOST_TEST(h.send(bdat(m, true)) == kQueued);
}

BOOST_AUTO_TEST_CASE(an_absurd_size_is_read_and_discarded_not_trusted) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.line("BDAT 18446744073709551615 LAST").empty());  // waits for the octets
  BOOST_TEST(h.send(std::string(5000, 'z')).empty());
  BOOST_TEST(h.spool.lastMessage().data.empty());
  BOOST_TEST(h.session->readTimeout() == h.config.dataTimeout);
}

BOOST_AUTO_TEST_CASE(chunks_already_pipelined_after_a_refused_one_are_read_and_answered_554) {
  Harness h;
  h.config.maxMessageSize = 10;
  h.config.maxProtocolErrors = 2;
  h.inTransaction();
  BOOST_TEST(
      h.send(bdat(std::string(11, 'a')) + bdat("bbb") + bdat("ccc") + bdat("ddd", true) + "RSET\r\n") ==
      "552 5.3.4 Message size exceeds fixed maximum message size\r\n"
      "554 5.5.0 Chunk discarded: the message was already refused\r\n"
      "554 5.5.0 Chunk discarded: the message was already refused\r\n"
      "554 5.5.0 Chunk discarded: the message was already refused\r\n"
      "250 2.0.0 Ok\r\n");
  BOOST_TEST(!h.session->closed());                                    // no protocol error was counted
  BOOST_TEST(h.send(bdat("x")) == "503 5.5.1 Need MAIL command\r\n");  // after RSET: an ordinary 503
}

BOOST_AUTO_TEST_CASE(bdat_without_mail_is_503_and_its_octets_are_still_consumed) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.send(bdat("RSET\r\nQUIT\r\n") + "NOOP\r\n") ==
             "503 5.5.1 Need MAIL command\r\n250 2.0.0 Ok\r\n");
  BOOST_TEST(!h.session->closed());
}

BOOST_AUTO_TEST_CASE(bdat_without_recipients_is_554_and_ends_the_transaction) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.send(bdat("x", true)) == "554 5.5.1 No valid recipients\r\n");
  BOOST_TEST(h.spool.messages.empty());
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(bdat_before_auth_is_530_after_its_octets) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.send(bdat("MAIL FROM:<a@b>\r\n")) == "530 5.7.0 Authentication required\r\n");
  BOOST_TEST(h.output.replies.back().code == 530);
}

BOOST_AUTO_TEST_CASE(bdat_before_starttls_is_530_after_its_octets) {
  Harness h;
  h.line("EHLO client.example");
  BOOST_TEST(h.send(bdat("AUTH PLAIN x\r\n") + "NOOP\r\n") ==
             "530 5.7.0 Must issue a STARTTLS command first\r\n250 2.0.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(a_malformed_bdat_closes_the_connection_since_its_octets_cannot_be_found) {
  for (const std::string arg :
       {"", "x", "-1", "+5", "5 LAST x", "5 FIRST", "5  LAST", "99999999999999999999999"}) {
    Harness h;
    h.inTransaction();
    BOOST_TEST(
        h.line("BDAT " + arg) == "501 5.5.4 Syntax: BDAT chunk-size [LAST]; closing the connection\r\n",
        "BDAT " << arg);
    BOOST_TEST(h.session->closed());
    BOOST_TEST(h.spool.messages.empty());
  }
}

BOOST_AUTO_TEST_CASE(last_is_case_insensitive) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.send("BDAT 27 last\r\nFrom: alice@example.org\r\n\r\n") == kQueued);
}

BOOST_AUTO_TEST_CASE(data_mail_and_rcpt_are_refused_between_chunks_and_the_message_goes_on) {
  Harness h;
  h.inTransaction();
  h.send(bdat("From: alice@example.org\r\n"));
  BOOST_TEST(h.line("DATA") == "503 5.5.1 DATA not allowed during a BDAT transfer\r\n");
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") ==
             "503 5.5.1 MAIL not allowed during a BDAT transfer\r\n");
  BOOST_TEST(h.line("RCPT TO:<x@example.com>") == "503 5.5.1 RCPT not allowed during a BDAT transfer\r\n");
  BOOST_TEST(h.send(bdat("\r\nbody\r\n", true)) == kQueued);
  BOOST_TEST(h.spool.lastMessage().envelope.recipients.size() == 1u);
}

BOOST_AUTO_TEST_CASE(rset_between_chunks_discards_them) {
  Harness h;
  h.inTransaction();
  h.send(bdat("From: alice@example.org\r\n"));
  BOOST_TEST(h.line("RSET") == "250 2.0.0 Ok\r\n");
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.line("BDAT 0 LAST") == "503 5.5.1 Need MAIL command\r\n");
}

BOOST_AUTO_TEST_CASE(data_and_bdat_transactions_follow_each_other_on_one_connection) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("From: alice@example.org\r\n\r\nx\r\n") == kQueued);
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<rcpt@example.com>");
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n\r\ny\r\n", true)) == "250 2.0.0 Ok: queued as Q2\r\n");
}

BOOST_AUTO_TEST_CASE(a_spool_that_cannot_start_answers_the_first_chunk_after_its_octets) {
  Harness h;
  h.spool.failBegin = FakeSpool::Failure::Storage;
  h.inTransaction();
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n") + bdat("\r\nx\r\n", true)) ==
             "452 4.3.1 Insufficient system storage\r\n"
             "554 5.5.0 Chunk discarded: the message was already refused\r\n");
  BOOST_TEST(h.events.seen.back() == "refused:storage");
}

BOOST_AUTO_TEST_CASE(a_commit_failure_at_last_is_the_reply_to_last) {
  Harness h;
  h.spool.failCommit = FakeSpool::Failure::Other;
  h.inTransaction();
  BOOST_TEST(h.send(bdat("From: alice@example.org\r\n\r\nx\r\n", true)) ==
             "451 4.3.0 Temporary failure, try again later\r\n");
}

BOOST_FIXTURE_TEST_CASE(the_signature_sees_every_chunk_as_queued, SigningHarness) {
  inTransaction();
  send(bdat(kMessage.substr(0, 5)));
  send(bdat(kMessage.substr(5), true));
  BOOST_TEST_REQUIRE(fake.records.size() == 1u);
  BOOST_TEST(fake.records[0]->data == kMessage);
  BOOST_TEST(spool.lastMessage().prepended.starts_with(fake.fields + "Received: "));
}

BOOST_AUTO_TEST_CASE(the_read_timeout_is_the_data_timeout_inside_a_chunk_only) {
  Harness h;
  h.config.dataTimeout = std::chrono::seconds(7);
  h.inTransaction();
  h.line("BDAT 10");
  BOOST_TEST(h.session->readTimeout().count() == 7);
  h.send("0123456789");
  BOOST_TEST(h.session->readTimeout() == h.config.commandTimeout);
}

BOOST_AUTO_TEST_CASE(a_timeout_inside_a_chunk_leaves_nothing_in_the_spool) {
  Harness h;
  h.inTransaction();
  h.send("BDAT 100 LAST\r\nFrom: alice@example.org\r\n");
  h.session->timedOut();
  BOOST_TEST(h.session->closed());
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(a_connection_dropped_mid_chunk_leaves_nothing_in_the_spool) {
  Harness h;
  h.inTransaction();
  h.send("BDAT 100 LAST\r\nFrom: alice@example.org\r\n");
  h.session.reset();  // the connection ends: the session goes with it
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_SUITE_END()
