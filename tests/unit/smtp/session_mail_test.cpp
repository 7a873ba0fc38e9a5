// Session: MAIL, RCPT and the start of DATA — sequence, parameters, sender ownership, limits, spool state.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

BOOST_AUTO_TEST_SUITE(session_mail)

BOOST_AUTO_TEST_CASE(accepts_an_owned_sender) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<Alice@Example.ORG>") == "250 2.1.0 Ok\r\n");
  BOOST_TEST(h.session->inTransaction());
}

BOOST_AUTO_TEST_CASE(accepts_any_address_of_an_owned_domain) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<whatever@alice.example>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_sender_not_owned) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<bob@example.org>") ==
             "553 5.7.1 <bob@example.org>: Sender address not owned by you\r\n");
  BOOST_TEST(!h.session->inTransaction());
}

BOOST_AUTO_TEST_CASE(rereads_owned_addresses_for_every_transaction) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");
  BOOST_TEST(h.line("RSET") == "250 2.0.0 Ok\r\n");
  h.senders.patterns["alice"] = {"@alice.example"};  // an administrator removed the address meanwhile
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") ==
             "553 5.7.1 <alice@example.org>: Sender address not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(store_failure_at_mail_is_temporary) {
  Harness h;
  h.authenticated();
  h.senders.fail = true;
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "451 4.3.0 Temporary failure, try again later\r\n");
  BOOST_TEST(!h.session->inTransaction());
}

BOOST_AUTO_TEST_CASE(refuses_the_null_sender) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<>") == "553 5.7.1 <>: Sender address not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_declared_size_over_the_limit_rfc1870) {
  Harness h;
  h.config.maxMessageSize = 1000;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org> SIZE=1001") ==
             "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org> SIZE=1000") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_mail_parameters_with_555) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org> MT-PRIORITY=3") == "555 5.5.4 Unsupported parameter\r\n");
}

BOOST_AUTO_TEST_CASE(accepts_and_ignores_the_auth_parameter) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org> AUTH=<>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(non_ascii_sender_without_smtputf8_is_553_5_6_7) {
  Harness h;
  h.senders.patterns["alice"].push_back("j\xc3\xb6rg@example.org");
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<j\xc3\xb6rg@example.org>") ==
             "553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n");
  BOOST_TEST(h.line("MAIL FROM:<j\xc3\xb6rg@example.org> SMTPUTF8") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(nested_mail_is_out_of_sequence) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "503 5.5.1 Nested MAIL command\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_mail_while_the_spool_is_low_on_space) {
  Harness h;
  h.spool.accepting = false;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "452 4.3.1 Insufficient system storage\r\n");
}

BOOST_AUTO_TEST_CASE(rcpt_before_mail_is_out_of_sequence) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("RCPT TO:<bob@example.com>") == "503 5.5.1 Need MAIL before RCPT\r\n");
}

BOOST_AUTO_TEST_CASE(rcpt_accepts_any_domain) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("RCPT TO:<someone@elsewhere.test>") == "250 2.1.5 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(rcpt_syntax_errors_are_501_5_1_3) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("RCPT TO:<bob>") == "501 5.1.3 Bad recipient address syntax\r\n");
  BOOST_TEST(h.line("RCPT TO:<bob@example.com> NOTIFY=NEVER,DELAY") ==
             "501 5.5.4 Bad NOTIFY parameter syntax\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_recipients_beyond_the_limit_with_452) {
  Harness h;
  h.config.maxRecipients = 2;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<a@example.com>");
  h.line("RCPT TO:<b@example.com>");
  BOOST_TEST(h.line("RCPT TO:<c@example.com>") == "452 4.5.3 Too many recipients\r\n");
}

BOOST_AUTO_TEST_CASE(keeps_duplicate_recipients_once) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<bob@example.com>");
  BOOST_TEST(h.line("RCPT TO:<BOB@example.com>") == "250 2.1.5 Ok\r\n");
  h.deliver("From: alice@example.org\r\n\r\nhi\r\n");
  BOOST_TEST(h.spool.lastMessage().envelope.recipients.size() == 1u);
}

BOOST_AUTO_TEST_CASE(duplicates_are_found_among_thousands_of_recipients) {
  Harness h;
  h.config.maxRecipients = 10000;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  std::string replies;
  for (int i = 0; i < 3000; ++i) replies += h.line("RCPT TO:<r" + std::to_string(i) + "@example.com>");
  for (int i = 0; i < 3000; i += 7) replies += h.line("RCPT TO:<R" + std::to_string(i) + "@EXAMPLE.com>");
  BOOST_TEST(replies.find("452") == std::string::npos);
  h.deliver("From: alice@example.org\r\n\r\nhi\r\n");
  BOOST_TEST(h.spool.lastMessage().envelope.recipients.size() == 3000u);
}

BOOST_AUTO_TEST_CASE(a_duplicate_does_not_count_against_the_recipient_limit) {
  Harness h;
  h.config.maxRecipients = 2;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<a@example.com>");
  h.line("RCPT TO:<b@example.com>");
  BOOST_TEST(h.line("RCPT TO:<A@example.com>") == "250 2.1.5 Ok\r\n");
  BOOST_TEST(h.line("RCPT TO:<c@example.com>") == "452 4.5.3 Too many recipients\r\n");
}

BOOST_AUTO_TEST_CASE(recipients_of_an_ended_transaction_are_forgotten) {
  Harness h;
  h.config.maxRecipients = 1;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<a@example.com>");
  h.line("RSET");
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("RCPT TO:<b@example.com>") == "250 2.1.5 Ok\r\n");
  h.deliver("From: alice@example.org\r\n\r\nhi\r\n");
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("RCPT TO:<b@example.com>") == "250 2.1.5 Ok\r\n");
  h.deliver("From: alice@example.org\r\n\r\nhi\r\n");
  BOOST_TEST(h.spool.messages.size() == 2u);
  BOOST_TEST(h.spool.lastMessage().envelope.recipients.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_refused_sender_is_logged_as_one_quoted_value) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<\"x from=<ceo@victim.example> y\"@example.org>");
  BOOST_TEST(h.output.logged(
      "rejected", "login=alice sender \"<\\\"x from=<ceo@victim.example> y\\\"@example.org>\" not owned"));
}

BOOST_AUTO_TEST_CASE(data_with_arguments_is_a_syntax_error) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.line("DATA now") == "501 5.5.4 Syntax: DATA\r\n");
}

BOOST_AUTO_TEST_CASE(data_without_mail_is_out_of_sequence) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("DATA") == "503 5.5.1 Need MAIL command\r\n");
}

BOOST_AUTO_TEST_CASE(data_without_recipients_is_554) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(h.line("DATA") == "554 5.5.1 No valid recipients\r\n");
}

BOOST_AUTO_TEST_CASE(data_answers_354_and_opens_the_spool_with_the_envelope) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org> BODY=8BITMIME SMTPUTF8");
  h.line("RCPT TO:<bob@example.com>");
  BOOST_TEST(h.line("DATA") == "354 End data with <CR><LF>.<CR><LF>\r\n");
  const Envelope& e = h.spool.lastMessage().envelope;
  BOOST_TEST(e.sender.str() == "alice@example.org");
  BOOST_TEST(e.recipients.at(0).str() == "bob@example.com");
  BOOST_TEST(e.login == "alice");
  BOOST_TEST(e.clientAddress == "192.0.2.7");
  BOOST_TEST(e.heloName == "client.example");
  BOOST_TEST(e.eightBitMime);
  BOOST_TEST(e.smtputf8);
  BOOST_TEST((e.arrival == h.clock.now()));
}

BOOST_AUTO_TEST_CASE(dsn_parameters_reach_the_envelope_rfc3461) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org> RET=HDRS ENVID=QQ+2B1") == "250 2.1.0 Ok\r\n");
  BOOST_TEST(h.line("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Bob+40old.example") ==
             "250 2.1.5 Ok\r\n");
  BOOST_TEST(h.line("RCPT TO:<carol@example.com>") == "250 2.1.5 Ok\r\n");
  // A repeated recipient is one recipient: the first NOTIFY stands.
  BOOST_TEST(h.line("RCPT TO:<bob@example.com> NOTIFY=NEVER") == "250 2.1.5 Ok\r\n");
  BOOST_TEST(h.line("DATA") == "354 End data with <CR><LF>.<CR><LF>\r\n");
  const Envelope& e = h.spool.lastMessage().envelope;
  BOOST_TEST((e.dsnReturn == DsnReturn::Headers));
  BOOST_TEST(e.envid.value_or("") == "QQ+1");
  BOOST_REQUIRE(e.recipientDsn.size() == 2u);
  BOOST_TEST(e.recipientDsn[0].notify == (notify::kSuccess | notify::kDelay));
  BOOST_REQUIRE(e.recipientDsn[0].orcpt.has_value());
  BOOST_TEST(e.recipientDsn[0].orcpt->type == "rfc822");
  BOOST_TEST(e.recipientDsn[0].orcpt->address == "Bob@old.example");
  BOOST_TEST(e.recipientDsn[1].notify == 0u);
  BOOST_TEST(!e.recipientDsn[1].orcpt.has_value());
}

BOOST_AUTO_TEST_CASE(a_new_transaction_forgets_the_dsn_parameters_of_the_last) {
  Harness h;
  h.authenticated();
  h.line("MAIL FROM:<alice@example.org> RET=FULL ENVID=one");
  h.line("RSET");
  h.line("MAIL FROM:<alice@example.org>");
  h.line("RCPT TO:<bob@example.com>");
  h.line("DATA");
  const Envelope& e = h.spool.lastMessage().envelope;
  BOOST_TEST((e.dsnReturn == DsnReturn::Unspecified));
  BOOST_TEST(!e.envid.has_value());
}

BOOST_AUTO_TEST_CASE(spool_out_of_space_at_data_is_452) {
  Harness h;
  h.spool.failBegin = FakeSpool::Failure::Storage;
  h.inTransaction();
  BOOST_TEST(h.line("DATA") == "452 4.3.1 Insufficient system storage\r\n");
}

BOOST_AUTO_TEST_CASE(other_spool_failure_at_data_is_451) {
  Harness h;
  h.spool.failBegin = FakeSpool::Failure::Other;
  h.inTransaction();
  BOOST_TEST(h.line("DATA") == "451 4.3.0 Temporary failure, try again later\r\n");
}

BOOST_AUTO_TEST_CASE(rset_ends_the_transaction) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.line("RSET") == "250 2.0.0 Ok\r\n");
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.line("RCPT TO:<bob@example.com>") == "503 5.5.1 Need MAIL before RCPT\r\n");
}

BOOST_AUTO_TEST_CASE(a_second_ehlo_resets_the_transaction_rfc5321_4_1_4) {
  Harness h;
  h.inTransaction();
  h.line("EHLO client.example");
  BOOST_TEST(!h.session->inTransaction());
  BOOST_TEST(h.line("DATA") == "503 5.5.1 Need MAIL command\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
