// HeaderScanner and the author-field policy built on it.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "smtp/header_policy.h"
#include "smtp/header_scanner.h"

using postern::mail::AllowedSenders;
using postern::smtp::checkAuthorFields;
using postern::smtp::checkHeaderSyntax;
using postern::smtp::HeaderScanner;

namespace {
HeaderScanner scan(std::string_view message, std::size_t chunk = 1 << 20, std::size_t max = 1 << 16) {
  HeaderScanner h(max);
  while (!message.empty()) {
    h.feed(message.substr(0, chunk));
    message.remove_prefix(std::min(chunk, message.size()));
  }
  h.finish();
  return h;
}
std::string verdict(std::string_view message) {
  const AllowedSenders allowed({"alice@example.org", "@alice.example"});
  const HeaderScanner h = scan(message);
  auto r = checkHeaderSyntax(h);
  if (!r) r = checkAuthorFields(h, allowed);
  return r ? r->render() : "ok";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(header_scanner)

BOOST_AUTO_TEST_CASE(collects_from_and_sender_and_notes_date_and_message_id) {
  const auto h = scan(
      "from: A <a@example.org>\r\nSENDER: s@example.org\r\nDate: x\r\nMessage-Id: <1@x>\r\n\r\nbody\r\n");
  BOOST_TEST(h.from().size() == 1u);
  BOOST_TEST(h.from()[0] == "A <a@example.org>");
  BOOST_TEST(h.sender()[0] == "s@example.org");
  BOOST_TEST(h.hasDate());
  BOOST_TEST(h.hasMessageId());
}

BOOST_AUTO_TEST_CASE(unfolds_continuation_lines_rfc5322_2_2_3) {
  for (std::size_t chunk : {1, 3, 1000}) {
    const auto h = scan("From: Alice\r\n <alice@example.org>,\r\n\tbob@example.org\r\n\r\n", chunk);
    BOOST_REQUIRE_EQUAL(h.from().size(), 1u);
    BOOST_TEST(h.from()[0] == "Alice <alice@example.org>,\tbob@example.org");
  }
}

BOOST_AUTO_TEST_CASE(stops_at_the_empty_line) {
  const auto h = scan("Subject: x\r\n\r\nFrom: body@example.org\r\nDate: no\r\n");
  BOOST_TEST(h.from().empty());
  BOOST_TEST(!h.hasDate());
}

BOOST_AUTO_TEST_CASE(a_message_without_body_ends_the_header_at_the_end) {
  BOOST_TEST(scan("From: a@example.org\r\n").from().size() == 1u);
  BOOST_TEST(scan("From: a@example.org").from().size() == 1u);
}

BOOST_AUTO_TEST_CASE(counts_fields_with_space_before_the_colon) {
  BOOST_TEST(scan("From: a@example.org\r\nFrom : b@example.org\r\n\r\n").from().size() == 2u);
}

BOOST_AUTO_TEST_CASE(keeps_scanning_after_a_later_line_that_is_not_a_field) {
  const auto h = scan("Subject: x\r\nFrom nobody Mon\r\nFrom: a@example.org\r\n\r\n");
  BOOST_TEST(h.from().size() == 1u);
  BOOST_TEST(!h.firstLineIsNotAField());
}

BOOST_AUTO_TEST_CASE(notes_a_first_line_that_starts_with_whitespace) {
  for (std::size_t chunk : {1, 1000}) {
    BOOST_TEST(scan(" (authenticated as ceo@example.com)\r\nFrom: a@example.org\r\n\r\n", chunk)
                   .firstLineIsNotAField());
    BOOST_TEST(scan("\tx\r\nFrom: a@example.org\r\n\r\n", chunk).firstLineIsNotAField());
  }
}

BOOST_AUTO_TEST_CASE(notes_a_first_line_that_is_not_a_field) {
  // An mbox "From " line is no field; as the first line it is refused rather than skipped.
  BOOST_TEST(scan("From nobody Mon\r\nFrom: a@example.org\r\n\r\n").firstLineIsNotAField());
  BOOST_TEST(scan(": no name\r\nFrom: a@example.org\r\n\r\n").firstLineIsNotAField());
  BOOST_TEST(scan("Fr om: a@example.org\r\n\r\n").firstLineIsNotAField());
}

BOOST_AUTO_TEST_CASE(a_field_or_an_empty_line_first_is_a_proper_start) {
  BOOST_TEST(!scan("From: a@example.org\r\n\r\n").firstLineIsNotAField());
  BOOST_TEST(!scan("From : a@example.org\r\n\r\n").firstLineIsNotAField());  // RFC 5322 §4.5.4
  BOOST_TEST(!scan("X-Empty:\r\nFrom: a@example.org\r\n\r\n").firstLineIsNotAField());
  BOOST_TEST(!scan("\r\nbody\r\n").firstLineIsNotAField());  // no header section at all
  BOOST_TEST(!scan("").firstLineIsNotAField());
}

BOOST_AUTO_TEST_CASE(notes_a_nul_anywhere_in_the_header_section) {
  using namespace std::string_literals;
  BOOST_TEST(scan("From\0: boss@victim.example\r\nFrom: a@example.org\r\n\r\n"s).sawControlCharacter());
  BOOST_TEST(scan("From: a@example.org\r\nSubject: x\0y\r\n\r\n"s).sawControlCharacter());
  BOOST_TEST(scan("From: a@example.org\r\nSubject: x\r\n \0\r\n\r\n"s).sawControlCharacter());
}

BOOST_AUTO_TEST_CASE(notes_c0_controls_and_del_but_not_tab) {
  BOOST_TEST(scan("From: a@example.org\r\nSubject: \x1b[2J\r\n\r\n").sawControlCharacter());
  BOOST_TEST(scan("From: a@example.org\r\nSubject: \x7f\r\n\r\n").sawControlCharacter());
  BOOST_TEST(scan("From: a@example.org\r\nSubject: a\rb\r\n\r\n").sawControlCharacter());  // bare CR
  BOOST_TEST(!scan("From:\ta@example.org\r\nSubject: a\r\n\tb\r\n\r\n").sawControlCharacter());
}

BOOST_AUTO_TEST_CASE(controls_in_the_body_are_not_noted) {
  using namespace std::string_literals;
  BOOST_TEST(!scan("From: a@example.org\r\n\r\nbinary \0\x01\x1b\r\n"s).sawControlCharacter());
}

BOOST_AUTO_TEST_CASE(collects_resent_from_and_resent_sender_fields) {
  const auto h = scan(
      "Resent-From: r1@example.org\r\nresent-sender: s1@example.org\r\nRESENT-FROM: r2@example.org,\r\n "
      "r3@example.org\r\nFrom: a@example.org\r\n\r\n");
  BOOST_TEST(h.resentFrom() ==
             (std::vector<std::string>{"r1@example.org", "r2@example.org, r3@example.org"}));
  BOOST_TEST(h.resentSender() == (std::vector<std::string>{"s1@example.org"}));
}

BOOST_AUTO_TEST_CASE(marks_a_header_section_over_its_budget) {
  const std::string header = "X-Big: " + std::string(2000, 'x') + "\r\nFrom: a@example.org\r\n\r\n";
  BOOST_TEST(scan(header, 100, 1000).tooLarge());
  BOOST_TEST(!scan(header, 100, 4000).tooLarge());
  // The body does not count.
  BOOST_TEST(!scan("From: a@example.org\r\n\r\n" + std::string(5000, 'x'), 100, 1000).tooLarge());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(header_policy)

BOOST_AUTO_TEST_CASE(accepts_an_owned_from) {
  BOOST_TEST(verdict("From: Alice <Alice@Example.org>\r\n\r\n") == "ok");
  BOOST_TEST(verdict("From: anyone@alice.example, alice@example.org\r\n\r\n") == "ok");
}

BOOST_AUTO_TEST_CASE(requires_a_from_field) {
  BOOST_TEST(verdict("Subject: x\r\n\r\n") == "550 5.6.0 Message has no From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_two_from_fields) {
  BOOST_TEST(verdict("From: alice@example.org\r\nFrom: alice@example.org\r\n\r\n") ==
             "550 5.7.1 Message has more than one From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_malformed_from) {
  BOOST_TEST(verdict("From: Alice <alice@example.org\r\n\r\n") == "550 5.6.0 Malformed From header\r\n");
  BOOST_TEST(verdict("From: undisclosed:;\r\n\r\n") == "550 5.6.0 Malformed From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_any_from_mailbox_not_owned) {
  BOOST_TEST(verdict("From: alice@example.org, mallory@evil.test\r\n\r\n") ==
             "550 5.7.1 From header address <mallory@evil.test> not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(checks_the_sender_field_too) {
  BOOST_TEST(verdict("From: alice@example.org\r\nSender: mallory@evil.test\r\n\r\n") ==
             "550 5.7.1 Sender header address <mallory@evil.test> not owned by you\r\n");
  BOOST_TEST(verdict("From: alice@example.org\r\nSender: a@alice.example, b@alice.example\r\n\r\n") ==
             "550 5.6.0 Malformed Sender header\r\n");
  BOOST_TEST(
      verdict("From: alice@example.org\r\nSender: a@alice.example\r\nSender: b@alice.example\r\n\r\n") ==
      "550 5.7.1 Message has more than one Sender header\r\n");
  BOOST_TEST(verdict("From: x@alice.example\r\nSender: alice@example.org\r\n\r\n") == "ok");
}

BOOST_AUTO_TEST_CASE(a_first_line_that_starts_with_whitespace_is_refused) {
  // It would continue Postern's prepended Received (or Message-ID) field.
  BOOST_TEST(
      verdict(" (authenticated as ceo@example.com) from [10.0.0.5]\r\nFrom: alice@example.org\r\n\r\n") ==
      "550 5.6.0 Message must begin with a header field\r\n");
}

BOOST_AUTO_TEST_CASE(a_first_line_that_is_not_a_field_is_refused) {
  BOOST_TEST(verdict("From nobody Mon\r\nFrom: alice@example.org\r\n\r\n") ==
             "550 5.6.0 Message must begin with a header field\r\n");
}

BOOST_AUTO_TEST_CASE(a_nul_in_the_header_section_is_refused) {
  using namespace std::string_literals;
  BOOST_TEST(verdict("From\0: boss@victim.example\r\nFrom: alice@example.org\r\n\r\n"s) ==
             "550 5.6.0 Message header contains a control character\r\n");
  BOOST_TEST(verdict("Subject: x\r\nFrom\0: boss@victim.example\r\nFrom: alice@example.org\r\n\r\n"s) ==
             "550 5.6.0 Message header contains a control character\r\n");
}

BOOST_AUTO_TEST_CASE(a_control_character_in_the_header_section_is_refused) {
  BOOST_TEST(verdict("From: alice@example.org\r\nSubject: \x1b]0;x\x07\r\n\r\n") ==
             "550 5.6.0 Message header contains a control character\r\n");
  BOOST_TEST(verdict("From: alice@example.org\r\nX\x7f: y\r\n\r\n") ==
             "550 5.6.0 Message header contains a control character\r\n");
  BOOST_TEST(verdict("From:\talice@example.org\r\n\r\n") == "ok");
}

BOOST_AUTO_TEST_CASE(every_resent_from_mailbox_must_be_owned_rfc5322_3_6_6) {
  BOOST_TEST(verdict("Resent-From: boss@victim.example\r\nFrom: alice@example.org\r\n\r\n") ==
             "550 5.7.1 Resent-From header address <boss@victim.example> not owned by you\r\n");
  BOOST_TEST(
      verdict("Resent-From: alice@example.org, boss@victim.example\r\nFrom: alice@example.org\r\n\r\n") ==
      "550 5.7.1 Resent-From header address <boss@victim.example> not owned by you\r\n");
  BOOST_TEST(verdict("Resent-From: Alice <alice@example.org>\r\nFrom: x@alice.example\r\n\r\n") == "ok");
}

BOOST_AUTO_TEST_CASE(several_resent_blocks_are_allowed_and_each_is_checked) {
  BOOST_TEST(verdict("Resent-From: alice@example.org\r\nResent-From: r@alice.example\r\n"
                     "From: alice@example.org\r\n\r\n") == "ok");
  BOOST_TEST(verdict("Resent-From: alice@example.org\r\nResent-From: boss@victim.example\r\n"
                     "From: alice@example.org\r\n\r\n") ==
             "550 5.7.1 Resent-From header address <boss@victim.example> not owned by you\r\n");
}

BOOST_AUTO_TEST_CASE(every_resent_sender_is_one_owned_mailbox) {
  BOOST_TEST(verdict("Resent-Sender: alice@example.org\r\nResent-Sender: s@alice.example\r\n"
                     "From: alice@example.org\r\n\r\n") == "ok");
  BOOST_TEST(verdict("Resent-Sender: alice@example.org\r\nResent-Sender: boss@victim.example\r\n"
                     "From: alice@example.org\r\n\r\n") ==
             "550 5.7.1 Resent-Sender header address <boss@victim.example> not owned by you\r\n");
  BOOST_TEST(verdict("Resent-Sender: a@alice.example, b@alice.example\r\nFrom: alice@example.org\r\n\r\n") ==
             "550 5.6.0 Malformed Resent-Sender header\r\n");
}

BOOST_AUTO_TEST_CASE(a_malformed_resent_from_is_refused) {
  BOOST_TEST(verdict("Resent-From: <alice@example.org\r\nFrom: alice@example.org\r\n\r\n") ==
             "550 5.6.0 Malformed Resent-From header\r\n");
}

BOOST_AUTO_TEST_CASE(refuses_a_header_section_too_large) {
  const AllowedSenders allowed({"alice@example.org"});
  const auto h = scan("From: alice@example.org\r\nX: " + std::string(3000, 'x') + "\r\n\r\n", 1000, 1000);
  BOOST_TEST(checkAuthorFields(h, allowed)->render() == "552 5.3.4 Header section too large\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
