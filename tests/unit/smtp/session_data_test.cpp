// Session: the DATA phase — streaming to the spool, content rules, author rules, commit and its headers.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMessage = "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nHello.\r\n";
const std::string kQueued = "250 2.0.0 Ok: queued as Q1\r\n";
}  // namespace

BOOST_AUTO_TEST_SUITE(session_data)

BOOST_AUTO_TEST_CASE(queues_the_message_and_reports_its_id) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == kQueued);
  const auto& m = h.spool.lastMessage();
  BOOST_TEST(m.committed);
  BOOST_TEST(m.data == kMessage);
  BOOST_TEST(h.output.logged(
      "queued", "id=Q1 from=<alice@example.org> recipients=1 size=" + std::to_string(kMessage.size())));
}

BOOST_AUTO_TEST_CASE(the_transaction_resets_and_authentication_stays) {
  Harness h;
  h.inTransaction();
  h.deliver(kMessage);
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.session->authenticated());
  BOOST_TEST(h.line("RCPT TO:<bob@example.com>") == "503 5.5.1 Need MAIL before RCPT\r\n");
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(prepends_received_date_and_message_id_when_missing_rfc6409_8) {
  Harness h;
  h.inTransaction();
  h.deliver(kMessage);
  BOOST_TEST(h.spool.lastMessage().prepended ==
             "Received: from client.example ([192.0.2.7])\r\n"
             "\tby mx.example.net (Postern) with ESMTPSA id Q1\r\n"
             "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n"
             "\t(authenticated as alice)\r\n"
             "\tfor <rcpt@example.com>; Mon, 30 Nov 2026 17:27:53 +0000\r\n"
             "Date: Mon, 30 Nov 2026 17:27:53 +0000\r\n"
             "Message-ID: <Q1.1796059673@mx.example.net>\r\n");
}

BOOST_AUTO_TEST_CASE(keeps_the_clients_date_and_message_id) {
  Harness h;
  h.inTransaction();
  h.deliver("Date: Sun, 1 Nov 2026 10:00:00 +0100\r\nMessage-ID: <x@client>\r\n" + kMessage);
  const std::string& p = h.spool.lastMessage().prepended;
  BOOST_TEST(p.find("\r\nDate:") == std::string::npos);
  BOOST_TEST(p.find("Message-ID:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(received_omits_for_with_several_recipients_and_the_ip_when_configured) {
  Harness h;
  h.config.receivedIncludesClientAddress = false;
  h.inTransaction();
  h.line("RCPT TO:<second@example.com>");
  h.deliver(kMessage);
  const std::string& p = h.spool.lastMessage().prepended;
  BOOST_TEST(p.find("Received: from client.example\r\n") == 0u);
  BOOST_TEST(p.find("192.0.2.7") == std::string::npos);
  BOOST_TEST(p.find("\tfor <") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(removes_dot_stuffing_before_writing) {
  Harness h;
  h.inTransaction();
  h.deliver("From: alice@example.org\r\n\r\n..leading dot\r\n");
  BOOST_TEST(h.spool.lastMessage().data == "From: alice@example.org\r\n\r\n.leading dot\r\n");
}

BOOST_AUTO_TEST_CASE(streams_in_batches_without_holding_the_whole_message) {
  Harness h;
  h.inTransaction();
  h.line("DATA");
  h.send("From: alice@example.org\r\n\r\n");
  const std::string line = std::string(998, 'x') + "\r\n";
  for (int i = 0; i < 300; ++i) h.send(line);      // about 300 KB
  BOOST_TEST(h.spool.lastMessage().writes >= 4u);  // written while the message was still arriving
  BOOST_TEST(h.send(".\r\n") == kQueued);
}

BOOST_AUTO_TEST_CASE(handles_data_split_anywhere_across_feeds) {
  Harness h;
  h.inTransaction();
  h.line("DATA");
  const std::string rest = kMessage + ".\r\nNOOP\r\n";
  std::string replies;
  for (const char c : rest) replies += h.send(std::string(1, c));
  BOOST_TEST(replies == kQueued + "250 2.0.0 Ok\r\n");
  BOOST_TEST(h.spool.lastMessage().data == kMessage);
}

BOOST_AUTO_TEST_CASE(a_pipelined_transaction_in_one_feed_switches_modes_at_354_rfc2920) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n" + kMessage +
                    ".\r\nQUIT\r\n") ==
             "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n" + kQueued +
                 "221 2.0.0 Bye\r\n");
}

BOOST_AUTO_TEST_CASE(smuggled_end_of_data_does_not_end_the_message) {
  Harness h;
  h.inTransaction();
  h.line("DATA");
  // After "\n.\r\n" a lenient receiver would see a new transaction; here it is content.
  BOOST_TEST(h.send(kMessage + "x\n.\r\nMAIL FROM:<alice@example.org>\r\n").empty());
  BOOST_TEST(h.send(".\r\n") == "550 5.5.2 Message contains bare CR or LF\r\n");
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(refuses_a_message_with_a_bare_cr) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage + "a\rb\r\n") == "550 5.5.2 Message contains bare CR or LF\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_line_over_998_octets_and_accepts_exactly_998) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage + std::string(998, 'x') + "\r\n") == kQueued);
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<bob@example.com>");
  BOOST_TEST(h.deliver(kMessage + std::string(999, 'x') + "\r\n") ==
             "550 5.5.2 Message contains a line longer than 998 octets\r\n");
}

BOOST_AUTO_TEST_CASE(reads_an_oversized_message_to_its_end_then_refuses_it) {
  Harness h;
  h.config.maxMessageSize = 1000;
  h.inTransaction();
  h.line("DATA");
  BOOST_TEST(h.send(kMessage + std::string(1500, 'x') + "\r\n").empty());
  BOOST_TEST(h.send(".\r\nNOOP\r\n") ==
             "552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 Ok\r\n");
  BOOST_TEST(h.spool.lastMessage().data.size() <= 1000u);
  BOOST_TEST(h.spool.lastMessage().destroyed);
}

BOOST_AUTO_TEST_CASE(refuses_a_header_section_over_its_budget) {
  Harness h;
  h.config.maxHeaderSection = 1000;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage.substr(0, kMessage.find("\r\n\r\n") + 2) + "X-Pad: " + std::string(990, 'p') +
                       "\r\n\r\nbody\r\n") == "552 5.3.4 Header section too large\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_message_without_from) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("Subject: hi\r\n\r\nbody\r\n") == "550 5.6.0 Message has no From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_two_from_fields) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("From: alice@example.org\r\n" + kMessage) ==
             "550 5.7.1 Message has more than one From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_from_address_not_owned) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("From: CEO <ceo@example.org>\r\n\r\nPay this.\r\n") ==
             "550 5.7.1 From header address <ceo@example.org> not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_malformed_from) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("From: Alice <alice@example.org\r\n\r\nx\r\n") ==
             "550 5.6.0 Malformed From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_sender_field_not_owned) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("Sender: bob@example.org\r\n" + kMessage) ==
             "550 5.7.1 Sender header address <bob@example.org> not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(a_first_line_that_starts_with_whitespace_is_refused) {
  // Without the rule it would continue Postern's Received: "(authenticated as alice)" followed by this.
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(" (authenticated as ceo@example.com) from [10.0.0.5]\r\n" + kMessage) ==
             "550 5.6.0 Message must begin with a header field\r\n");
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(a_first_line_that_is_not_a_field_is_refused) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("From nobody Mon Nov 30 17:27:53 2026\r\n" + kMessage) ==
             "550 5.6.0 Message must begin with a header field\r\n");
}

BOOST_AUTO_TEST_CASE(a_nul_in_the_header_section_is_refused) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(std::string("From\0: boss@victim.example\r\n", 28) + kMessage) ==
             "550 5.6.0 Message header contains a control character\r\n");
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(a_nul_in_the_body_is_not_a_header_matter) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage + std::string("\0\r\n", 3)) == kQueued);
}

BOOST_AUTO_TEST_CASE(refuses_a_resent_from_address_not_owned_rfc5322_3_6_6) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver("Resent-From: boss@victim.example\r\n" + kMessage) ==
             "550 5.7.1 Resent-From header address <boss@victim.example> not owned by you\r\n");
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<bob@example.com>");
  BOOST_TEST(h.deliver("Resent-From: alice@example.org\r\nResent-Sender: x@alice.example\r\n" + kMessage) ==
             "250 2.0.0 Ok: queued as Q2\r\n");
}

BOOST_AUTO_TEST_CASE(received_leaves_a_quoted_recipient_out_of_the_for_clause) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("RCPT TO:<\"x; by evil.example; Tue, 1 Jan 2030 (x\"@example.net>") ==
             "250 2.1.5 Ok\r\n");
  BOOST_TEST(h.deliver(kMessage) == kQueued);
  const std::string& p = h.spool.lastMessage().prepended;
  BOOST_TEST(p.find("\tfor <") == std::string::npos);
  BOOST_TEST(p.find("evil.example") == std::string::npos);
  BOOST_TEST(h.spool.lastMessage().envelope.recipients.front().local ==
             "\"x; by evil.example; Tue, 1 Jan 2030 (x\"");
}

BOOST_AUTO_TEST_CASE(a_rejection_is_logged_with_the_client_text_as_one_value) {
  Harness h;
  h.inTransaction();
  h.deliver("From: \"x\" <\"a b=c\"@victim.example>\r\n\r\nx\r\n");
  BOOST_TEST(h.output.logged("rejected",
                             "login=alice from=<alice@example.org> 550 5.7.1 \"From header address "
                             "<\\\"a b=c\\\"@victim.example> not owned by you\""));
}

BOOST_AUTO_TEST_CASE(a_queued_sender_with_a_quoted_local_part_is_logged_as_one_value) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<\"x recipients=9 size=1\"@alice.example>");
  h.line("RCPT TO:<bob@example.com>");
  BOOST_TEST(h.deliver(kMessage) == kQueued);
  BOOST_TEST(h.output.logged("queued",
                             "id=Q1 from=\"<\\\"x recipients=9 size=1\\\"@alice.example>\" recipients=1 "));
}

BOOST_AUTO_TEST_CASE(a_rejected_message_is_aborted_and_the_transaction_reset) {
  Harness h;
  h.inTransaction();
  h.deliver("Subject: no from\r\n\r\nx\r\n");
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.output.logged("rejected", "550 5.6.0"));
}

BOOST_AUTO_TEST_CASE(disk_full_while_writing_is_452_at_the_end) {
  Harness h;
  h.spool.failWrite = FakeSpool::Failure::Storage;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == "452 4.3.1 Insufficient system storage\r\n");
  BOOST_TEST(h.spool.lastMessage().destroyed);
}

BOOST_AUTO_TEST_CASE(other_write_failure_is_451_at_the_end) {
  Harness h;
  h.spool.failWrite = FakeSpool::Failure::Other;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == "451 4.3.0 Temporary failure, try again later\r\n");
}

BOOST_AUTO_TEST_CASE(commit_out_of_space_is_452) {
  Harness h;
  h.spool.failCommit = FakeSpool::Failure::Storage;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == "452 4.3.1 Insufficient system storage\r\n");
  BOOST_TEST(!h.spool.lastMessage().committed);
  BOOST_TEST(h.spool.lastMessage().destroyed);
}

BOOST_AUTO_TEST_CASE(commit_failure_is_451) {
  Harness h;
  h.spool.failCommit = FakeSpool::Failure::Other;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == "451 4.3.0 Temporary failure, try again later\r\n");
}

BOOST_AUTO_TEST_CASE(eight_bit_content_passes_unchanged) {
  Harness h;
  h.inTransaction();
  const std::string message = "From: alice@example.org\r\nSubject: caf\xc3\xa9\r\n\r\n\xe2\x82\xac 5\r\n";
  BOOST_TEST(h.deliver(message) == kQueued);
  BOOST_TEST(h.spool.lastMessage().data == message);
}

BOOST_AUTO_TEST_CASE(shutdown_during_data_aborts_the_writer) {
  Harness h;
  h.inTransaction();
  h.line("DATA");
  h.send(kMessage);
  h.session->shutdown();
  BOOST_TEST(h.output.lastText() == "421 4.3.2 Service shutting down\r\n");
  BOOST_TEST(h.spool.lastMessage().destroyed);
  BOOST_TEST(!h.spool.lastMessage().committed);
}

BOOST_AUTO_TEST_CASE(rset_after_a_failed_data_start_is_fine) {
  Harness h;
  h.spool.failBegin = FakeSpool::Failure::Storage;
  h.inTransaction();
  h.line("DATA");
  BOOST_TEST(h.line("RSET") == "250 2.0.0 Ok\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
