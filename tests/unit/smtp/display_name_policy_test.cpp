// smtp.display_name_policy: From, Sender and Reply-To names that pose as another address, or that hold a
// bidi control, are refused (header_policy.h checkDisplayNames, mail/display_name.h); one case per rule.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "fakes.h"
#include "mail/address.h"
#include "mail/display_name.h"
#include "smtp/header_policy.h"
#include "smtp/header_scanner.h"

using postern::mail::addressesIn;
using postern::mail::containsBidiControl;
using postern::mail::decodeEncodedWords;
using postern::smtp::checkDisplayNames;
using postern::smtp::HeaderScanner;
using namespace postern::smtp::test;

namespace {
// The verdict on a header section: "ok" or the rendered reply.
std::string names(std::string_view header) {
  HeaderScanner h(1 << 20);
  h.feed(std::string(header) + "\r\n\r\nbody\r\n");
  h.finish();
  const auto r = checkDisplayNames(h);
  return r ? r->render() : "ok";
}
std::string from(std::string_view value) { return names("From: " + std::string(value)); }
using Found = std::vector<std::string>;
}  // namespace

BOOST_AUTO_TEST_SUITE(display_name_policy)

BOOST_AUTO_TEST_CASE(a_plain_name_is_allowed) {
  BOOST_TEST(from("Alice Example <alice@example.org>") == "ok");
  BOOST_TEST(from("\"Example, Alice\" <alice@example.org>") == "ok");
  BOOST_TEST(from("John Q. Public <alice@example.org>") == "ok");
  BOOST_TEST(from("alice@example.org") == "ok");
  BOOST_TEST(from("<alice@example.org>") == "ok");
}

BOOST_AUTO_TEST_CASE(names_are_read_as_shown_beside_each_address_and_group) {
  const auto list = postern::mail::parseNamedAddressList(
      "John Q. Public <jqp@example.org>, (c) \"A  B\"\"C\" <ab@example.org>, Team: x@example.org;, "
      "y@example.org");
  BOOST_REQUIRE(list.has_value());
  BOOST_REQUIRE_EQUAL(list->mailboxes.size(), 4u);
  BOOST_TEST(list->mailboxes[0].displayName == "John Q. Public");
  BOOST_TEST(list->mailboxes[1].displayName == "A  BC");
  BOOST_TEST(list->mailboxes[2].address.str() == "x@example.org");
  BOOST_TEST(list->mailboxes[3].displayName == "");
  BOOST_TEST((list->groupNames == Found{"Team"}));
}

BOOST_AUTO_TEST_CASE(a_name_with_a_comment_or_an_at_without_a_domain_is_no_address) {
  BOOST_TEST(from("Alice (at home) <alice@example.org>") == "ok");
  BOOST_TEST(from("\"Alice @ Home\" <alice@example.org>") == "ok");
  BOOST_TEST(from("\"Team@Acme Inc.\" <alice@example.org>") == "ok");
  BOOST_TEST(from("\"Alice, tel. 1.2@3.4\" <alice@example.org>") == "ok");
}

BOOST_AUTO_TEST_CASE(the_mailboxs_own_address_in_its_name_is_allowed) {
  BOOST_TEST(from("\"alice@example.org\" <alice@example.org>") == "ok");
  BOOST_TEST(from("\"Alice (ALICE@Example.ORG)\" <alice@example.org>") == "ok");
}

BOOST_AUTO_TEST_CASE(another_address_in_the_display_name_is_refused_with_the_address) {
  BOOST_TEST(
      from("\"boss@victim.example\" <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
  BOOST_TEST(
      from("\"The Boss <boss@victim.example>\" <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(an_address_among_several_mailboxes_is_checked_against_its_own_mailbox) {
  BOOST_TEST(from("\"alice@example.org\" <alice@example.org>, \"bob@example.org\" <bob@example.org>") ==
             "ok");
  BOOST_TEST(from("\"bob@example.org\" <alice@example.org>, Bob <bob@example.org>") ==
             "550 5.7.1 From display name names another address (bob@example.org); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(spaces_around_the_at_sign_still_name_an_address) {
  BOOST_TEST(
      from("\"boss @ victim.example\" <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(a_group_named_like_an_address_is_refused) {
  BOOST_TEST(from("\"boss@victim.example\": alice@example.org;") ==
             "550 5.7.1 From group name names an address (boss@victim.example); use a plain name\r\n");
  BOOST_TEST(from("Undisclosed recipients: alice@example.org;") == "ok");
}

BOOST_AUTO_TEST_CASE(a_b_encoded_word_decoding_to_an_address_is_refused) {
  // "boss@victim.example" in base64
  BOOST_TEST(
      from("=?utf-8?B?Ym9zc0B2aWN0aW0uZXhhbXBsZQ==?= <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(a_q_encoded_word_decoding_to_an_address_is_refused) {
  BOOST_TEST(
      from("=?iso-8859-1?Q?boss=40victim.example?= <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
  // RFC 2047 §6.2: the space between two encoded words is not shown, so the halves join up.
  BOOST_TEST(
      from("=?utf-8?q?boss?= =?us-ascii?q?=40victim.example?= <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(an_encoded_own_address_or_name_is_allowed) {
  BOOST_TEST(from("=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <alice@example.org>") == "ok");
  BOOST_TEST(from("=?UTF-8?B?YWxpY2VAZXhhbXBsZS5vcmc=?= <alice@example.org>") == "ok");
}

BOOST_AUTO_TEST_CASE(an_undecodable_word_is_checked_as_written) {
  BOOST_TEST(decodeEncodedWords("=?x-unknown?q?a?=") == "=?x-unknown?q?a?=");
  BOOST_TEST(decodeEncodedWords("=?utf-8?b?***?=") == "=?utf-8?b?***?=");
  BOOST_TEST(
      from("\"=?x-unknown?q?x?= boss@victim.example\" <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
}

BOOST_AUTO_TEST_CASE(encoded_words_decode_the_common_charsets_to_utf8) {
  BOOST_TEST(decodeEncodedWords("=?ISO-8859-1?Q?J=FCrgen?=") == "J\xC3\xBCrgen");
  BOOST_TEST(decodeEncodedWords("=?windows-1252?Q?=80?=") == "\xE2\x82\xAC");
  BOOST_TEST(decodeEncodedWords("=?utf-8*en?Q?a_b?=") == "a b");
  BOOST_TEST(decodeEncodedWords("=?utf-8?q?a?= b =?utf-8?q?c?=") == "a b c");
}

BOOST_AUTO_TEST_CASE(a_full_width_or_small_at_sign_names_an_address) {
  BOOST_TEST(
      from("\"boss\xEF\xBC\xA0victim.example\" <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
  BOOST_TEST(
      from("boss\xEF\xB9\xABvictim.example <alice@example.org>") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
  // full-width full stop as the dot
  BOOST_TEST((addressesIn("boss\xEF\xBC\xA0victim\xEF\xBC\x8E"
                          "example") == Found{"boss@victim.example"}));
}

BOOST_AUTO_TEST_CASE(a_raw_bidi_control_is_refused) {
  BOOST_TEST(from("\"Alice \xE2\x80\xAEgro.elpmaxe\" <alice@example.org>") ==
             "550 5.7.1 From header contains a bidi control character\r\n");
  BOOST_TEST(from("Alice <alice@example.org> (\xE2\x81\xA6x\xE2\x81\xA9)") ==
             "550 5.7.1 From header contains a bidi control character\r\n");
  BOOST_TEST(containsBidiControl("\xE2\x80\xAA"));
  BOOST_TEST(containsBidiControl("\xE2\x81\xA9"));
  BOOST_TEST(!containsBidiControl("\xE2\x80\xA9"));  // U+2029 paragraph separator is no bidi control
  BOOST_TEST(!containsBidiControl("\xE2\x81\xAA"));
}

BOOST_AUTO_TEST_CASE(an_encoded_bidi_control_is_refused) {
  BOOST_TEST(from("=?utf-8?q?Alice_=E2=80=AEgro?= <alice@example.org>") ==
             "550 5.7.1 From header contains a bidi control character\r\n");
  BOOST_TEST(from("=?utf-8?b?4oGn?= <alice@example.org>") ==  // U+2067
             "550 5.7.1 From header contains a bidi control character\r\n");
}

BOOST_AUTO_TEST_CASE(sender_and_reply_to_are_held_to_the_same_rules) {
  BOOST_TEST(
      names("From: alice@example.org\r\nSender: \"boss@victim.example\" <alice@example.org>") ==
      "550 5.7.1 Sender display name names another address (boss@victim.example); use your own name\r\n");
  BOOST_TEST(names("From: alice@example.org\r\nReply-To: \"boss@victim.example\" <help@example.net>") ==
             "550 5.7.1 Reply-To display name names another address (boss@victim.example); use your own "
             "name\r\n");
  BOOST_TEST(names("From: alice@example.org\r\nReply-To: =?utf-8?q?=E2=80=AE?= <help@example.net>") ==
             "550 5.7.1 Reply-To header contains a bidi control character\r\n");
  BOOST_TEST(names("From: alice@example.org\r\nReply-To: Help Desk <help@example.net>") == "ok");
  BOOST_TEST(names("From: alice@example.org\r\nReply-To: <<broken") ==
             "550 5.6.0 Malformed Reply-To header\r\n");
}

BOOST_AUTO_TEST_CASE(the_address_quoted_in_a_reply_is_ascii_and_short) {
  const std::string r = from("\"b\xC3\xB6ss@victim.example\" <alice@example.org>");
  BOOST_TEST(r ==
             "550 5.7.1 From display name names another address (b\\u{00F6}ss@victim.example); use your own "
             "name\r\n");
  const std::string longName = "\"" + std::string(500, 'a') + "@victim.example\" <alice@example.org>";
  BOOST_TEST(from(longName).size() < 200u);
}

BOOST_AUTO_TEST_CASE(long_headers_with_many_at_signs_and_encoded_words_are_read_in_linear_time) {
  // Quadratic scanning of 200 000 octets would take minutes; linear takes milliseconds.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "a@b=?x?q?";
  BOOST_TEST(addressesIn(many).empty());
  std::string words;
  for (int i = 0; i < 10000; ++i) words += "=?utf-8?q?ab?= ";
  std::string joined;
  for (int i = 0; i < 10000; ++i) joined += "ab";
  BOOST_TEST(decodeEncodedWords(words) == joined + " ");  // §6.2: the spaces between them are not shown
}

BOOST_FIXTURE_TEST_CASE(a_session_refuses_it_counts_it_as_display_name_and_queues_nothing, Harness) {
  inTransaction();
  BOOST_TEST(
      deliver("From: \"boss@victim.example\" <alice@example.org>\r\n\r\nHi\r\n") ==
      "550 5.7.1 From display name names another address (boss@victim.example); use your own name\r\n");
  BOOST_TEST(events.seen.back() == "refused:display_name");
  for (const auto& m : spool.messages) BOOST_TEST(!m->committed);
}

BOOST_FIXTURE_TEST_CASE(with_the_policy_off_the_same_message_is_queued, Harness) {
  config.checkDisplayNames = false;
  inTransaction();
  BOOST_TEST(
      deliver("From: \"boss@victim.example\" <alice@example.org>\r\n\r\nHi\r\n").rfind("250 2.0.0", 0) == 0u);
  BOOST_TEST(events.seen.back() == "accepted");
}

BOOST_FIXTURE_TEST_CASE(with_the_policy_off_the_author_rules_still_apply, Harness) {
  config.checkDisplayNames = false;
  inTransaction();
  BOOST_TEST(deliver("From: <mallory@example.org>\r\n\r\nHi\r\n").rfind("550 5.7.1 From header address", 0) ==
             0u);
}

BOOST_AUTO_TEST_SUITE_END()
