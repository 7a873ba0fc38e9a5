// parseMailbox: the RFC 5321 §4.1.2 Mailbox of MAIL FROM / RCPT TO, with RFC 6531 SMTPUTF8.
#define BOOST_TEST_MODULE mail
#include <boost/test/unit_test.hpp>

#include <string>

#include "mail/address.h"

using postern::mail::Address;
using postern::mail::parseMailbox;

namespace {
bool accepted(std::string_view text, bool smtputf8 = false) {
  return parseMailbox(text, smtputf8).has_value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(mailbox)

BOOST_AUTO_TEST_CASE(splits_dot_string_local_part_and_domain) {
  const auto a = parseMailbox("first.last+tag@mail.example.org", false);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->local == "first.last+tag");
  BOOST_TEST(a->domain == "mail.example.org");
  BOOST_TEST(a->str() == "first.last+tag@mail.example.org");
}

BOOST_AUTO_TEST_CASE(accepts_every_atext_character_in_the_local_part) {
  BOOST_TEST(accepted("!#$%&'*+-/=?^_`{|}~@example.org"));
}

BOOST_AUTO_TEST_CASE(rejects_misplaced_dots_in_the_local_part) {
  BOOST_TEST(!accepted(".alice@example.org"));
  BOOST_TEST(!accepted("alice.@example.org"));
  BOOST_TEST(!accepted("al..ice@example.org"));
}

BOOST_AUTO_TEST_CASE(rejects_missing_parts) {
  BOOST_TEST(!accepted(""));
  BOOST_TEST(!accepted("alice"));
  BOOST_TEST(!accepted("@example.org"));
  BOOST_TEST(!accepted("alice@"));
  BOOST_TEST(!accepted("alice@@example.org"));
}

BOOST_AUTO_TEST_CASE(unquotes_a_quoted_local_part_that_needs_no_quotes) {
  const auto a = parseMailbox("\"alice.smith\"@example.org", false);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->local == "alice.smith");
  BOOST_TEST(a->key() == parseMailbox("alice.smith@example.org", false)->key());
}

BOOST_AUTO_TEST_CASE(keeps_quotes_when_the_local_part_needs_them) {
  const auto a = parseMailbox("\"alice smith\"@example.org", false);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->local == "\"alice smith\"");
  BOOST_TEST(parseMailbox("\"a@b\"@example.org", false)->local == "\"a@b\"");
}

BOOST_AUTO_TEST_CASE(canonicalises_quoted_pairs) {
  BOOST_TEST(parseMailbox("\"a\\b\"@example.org", false)->local == "ab");
  BOOST_TEST(parseMailbox("\"a\\\"b\"@example.org", false)->local == "\"a\\\"b\"");
}

BOOST_AUTO_TEST_CASE(rejects_broken_quoted_strings) {
  BOOST_TEST(!accepted("\"alice@example.org"));
  BOOST_TEST(!accepted("\"alice\"x@example.org"));
  BOOST_TEST(!accepted("\"ali\\"));
}

BOOST_AUTO_TEST_CASE(accepts_address_literals_rfc5321_4_1_3) {
  BOOST_TEST(accepted("postmaster@[192.0.2.1]"));
  BOOST_TEST(accepted("postmaster@[IPv6:2001:db8::1]"));
  BOOST_TEST(accepted("postmaster@[IPv6:2001:db8:0:0:0:0:0:1]"));
  BOOST_TEST(accepted("postmaster@[IPv6:::ffff:192.0.2.1]"));
  BOOST_TEST(accepted("postmaster@[x-tag:anything]"));
  BOOST_TEST(parseMailbox("postmaster@[192.0.2.1]", false)->domain == "[192.0.2.1]");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_address_literals) {
  BOOST_TEST(!accepted("a@[256.0.0.1]"));
  BOOST_TEST(!accepted("a@[192.0.2]"));
  BOOST_TEST(!accepted("a@[192.0.2.1.5]"));
  BOOST_TEST(!accepted("a@[IPv6:2001:db8::1::2]"));
  BOOST_TEST(!accepted("a@[IPv6:1:2:3:4:5:6:7]"));
  BOOST_TEST(!accepted("a@[IPv6:12345::]"));
  BOOST_TEST(!accepted("a@[192.0.2.1"));
  BOOST_TEST(!accepted("a@[]"));
}

BOOST_AUTO_TEST_CASE(rejects_domains_that_are_not_ldh) {
  BOOST_TEST(!accepted("a@-example.org"));
  BOOST_TEST(!accepted("a@example-.org"));
  BOOST_TEST(!accepted("a@exa_mple.org"));
  BOOST_TEST(!accepted("a@example..org"));
  BOOST_TEST(!accepted("a@example.org."));
  BOOST_TEST(accepted("a@localhost"));
  BOOST_TEST(accepted("a@x-1.example.org"));
}

BOOST_AUTO_TEST_CASE(enforces_length_limits_rfc5321_4_5_3_1) {
  const std::string local64(64, 'a');
  BOOST_TEST(accepted(local64 + "@example.org"));
  BOOST_TEST(!accepted(local64 + "a@example.org"));
  BOOST_TEST(!accepted("a@" + std::string(64, 'b') + ".org"));  // label over 63
  // Mailbox of 254 octets fits a 256-octet path with its angle brackets; 255 does not.
  std::string domain;
  while (domain.size() < 250) domain += std::string(49, 'd') + ".";
  domain = domain.substr(0, 250);
  if (domain.back() == '.') domain.back() = 'e';
  BOOST_TEST(accepted("abc@" + domain));
  BOOST_TEST(!accepted("abcd@" + domain));
}

BOOST_AUTO_TEST_CASE(allows_utf8_only_with_smtputf8_rfc6531) {
  const std::string mailbox =
      "j\xc3\xb6rg@b\xc3\xbc"
      "cher.example";
  BOOST_TEST(!accepted(mailbox, false));
  BOOST_TEST(accepted(mailbox, true));
}

BOOST_AUTO_TEST_CASE(rejects_malformed_utf8_even_with_smtputf8) {
  BOOST_TEST(!accepted("j\xc3@example.org", true));           // truncated sequence
  BOOST_TEST(!accepted("j\xc0\xafx@example.org", true));      // overlong
  BOOST_TEST(!accepted("j\xed\xa0\x80x@example.org", true));  // surrogate
}

BOOST_AUTO_TEST_CASE(rejects_controls_and_spaces) {
  BOOST_TEST(!accepted("ali ce@example.org"));
  BOOST_TEST(!accepted(std::string("ali\0ce@example.org", 18)));
  BOOST_TEST(!accepted("alice@exa mple.org"));
}

BOOST_AUTO_TEST_CASE(key_lower_cases_the_whole_address) {
  BOOST_TEST(parseMailbox("Alice@Example.ORG", false)->key() == "alice@example.org");
}

BOOST_AUTO_TEST_SUITE_END()
