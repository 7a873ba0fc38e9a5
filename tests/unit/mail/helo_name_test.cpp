// isHeloName: the EHLO/HELO argument (RFC 5321 §4.1.1.1), with Postfix's valid_hostname tolerance; and
// isPlainAddress: the addresses a trace field may show verbatim.
#include <boost/test/unit_test.hpp>

#include <string>

#include "mail/address.h"

using postern::mail::Address;
using postern::mail::isHeloName;
using postern::mail::isPlainAddress;
using postern::mail::parseMailbox;

namespace {
bool plain(std::string_view mailbox) { return isPlainAddress(*parseMailbox(mailbox, true)); }
}  // namespace

BOOST_AUTO_TEST_SUITE(helo_name)

BOOST_AUTO_TEST_CASE(a_domain_name_is_a_helo_name_rfc5321_4_1_1_1) {
  BOOST_TEST(isHeloName("client.example.org"));
  BOOST_TEST(isHeloName("localhost"));
  BOOST_TEST(isHeloName("x-1.Example.ORG"));
}

BOOST_AUTO_TEST_CASE(an_address_literal_is_a_helo_name_rfc5321_4_1_3) {
  BOOST_TEST(isHeloName("[192.0.2.1]"));
  BOOST_TEST(isHeloName("[IPv6:2001:db8::1]"));
  BOOST_TEST(!isHeloName("[192.0.2.256]"));
  BOOST_TEST(!isHeloName("[192.0.2.1"));
  BOOST_TEST(!isHeloName("[IPv6:2001:db8::1::2]"));
}

BOOST_AUTO_TEST_CASE(an_underscore_in_a_label_is_tolerated_as_postfix_does) {
  BOOST_TEST(isHeloName("my_printer"));
  BOOST_TEST(isHeloName("DESKTOP_7F3K.office.example"));
}

BOOST_AUTO_TEST_CASE(one_trailing_dot_is_tolerated) {
  BOOST_TEST(isHeloName("client.example.org."));
  BOOST_TEST(!isHeloName("client.example.org.."));
  BOOST_TEST(!isHeloName("."));
}

BOOST_AUTO_TEST_CASE(a_bare_ipv4_address_is_a_helo_name_and_other_numeric_names_are_not) {
  BOOST_TEST(isHeloName("192.0.2.1"));
  BOOST_TEST(!isHeloName("192.0.2"));
  BOOST_TEST(!isHeloName("999.0.2.1"));
  BOOST_TEST(!isHeloName("12345"));
  BOOST_TEST(isHeloName("host.123"));  // not all-numeric: an ordinary name
}

BOOST_AUTO_TEST_CASE(a_bare_ipv6_address_needs_its_literal_form) {
  BOOST_TEST(!isHeloName("2001:db8::1"));
  BOOST_TEST(!isHeloName("::1"));
}

BOOST_AUTO_TEST_CASE(u_labels_in_well_formed_utf8_are_helo_names_rfc6531_3_7_1) {
  BOOST_TEST(
      isHeloName("b\xc3\xbc"
                 "cher.example"));
  BOOST_TEST(!isHeloName("b\xc3.example"));  // truncated sequence
  BOOST_TEST(
      !isHeloName("b\xc0\xaf"
                  "x.example"));  // overlong
}

BOOST_AUTO_TEST_CASE(invisible_code_points_are_refused_in_a_helo_name) {
  BOOST_TEST(
      !isHeloName("a\xc2\x85"
                  "b.example"));  // U+0085 NEL
  BOOST_TEST(
      !isHeloName("a\xe2\x80\xa8"
                  "b.example"));  // U+2028 LINE SEPARATOR
  BOOST_TEST(
      !isHeloName("a\xe2\x80\xae"
                  "b.example"));  // U+202E RIGHT-TO-LEFT OVERRIDE
}

BOOST_AUTO_TEST_CASE(spaces_controls_and_comments_are_refused_in_a_helo_name) {
  BOOST_TEST(!isHeloName(""));
  BOOST_TEST(!isHeloName("my host"));
  BOOST_TEST(!isHeloName("x (192.0.2.99)"));
  BOOST_TEST(!isHeloName("evil\x1b[2Jexample"));
  BOOST_TEST(!isHeloName(std::string("a\0b", 3)));
  BOOST_TEST(!isHeloName("host;by.evil.example"));
  BOOST_TEST(!isHeloName("user@host.example"));
}

BOOST_AUTO_TEST_CASE(labels_follow_ldh_rules) {
  BOOST_TEST(!isHeloName("-client.example"));
  BOOST_TEST(!isHeloName("client-.example"));
  BOOST_TEST(!isHeloName("client..example"));
  BOOST_TEST(!isHeloName(".client.example"));
  BOOST_TEST(isHeloName(std::string(63, 'a') + ".example"));
  BOOST_TEST(!isHeloName(std::string(64, 'a') + ".example"));
}

BOOST_AUTO_TEST_CASE(a_helo_name_is_at_most_255_octets) {
  std::string name;
  while (name.size() < 255) name += std::string(50, 'h') + ".";
  name.resize(255);
  if (name.back() == '.') name.back() = 'h';
  BOOST_TEST(isHeloName(name));
  BOOST_TEST(!isHeloName(name + "h"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plain_address)

BOOST_AUTO_TEST_CASE(a_dot_atom_at_a_domain_name_is_plain) {
  BOOST_TEST(plain("bob@example.com"));
  BOOST_TEST(plain("first.last+tag@mail.example.org"));
  BOOST_TEST(plain("\"alice.smith\"@example.org"));  // quotes that were not needed are gone
  BOOST_TEST(
      plain("j\xc3\xb6rg@b\xc3\xbc"
            "cher.example"));
}

BOOST_AUTO_TEST_CASE(a_quoted_local_part_is_not_plain) {
  BOOST_TEST(!plain("\"x; by evil.example; Tue, 1 Jan 2030 (x\"@example.net"));
  BOOST_TEST(!plain("\"alice smith\"@example.org"));
}

BOOST_AUTO_TEST_CASE(an_address_literal_is_not_plain) {
  BOOST_TEST(!plain("postmaster@[192.0.2.1]"));
  BOOST_TEST(!plain("postmaster@[IPv6:2001:db8::1]"));
}

BOOST_AUTO_TEST_CASE(an_address_with_invisible_code_points_is_not_plain) {
  BOOST_TEST(
      !plain("a\xe2\x80\xae"
             "b@example.org"));  // U+202E RIGHT-TO-LEFT OVERRIDE
  BOOST_TEST(
      !plain("a\xc2\x85"
             "b@example.org"));  // U+0085 NEL
}

BOOST_AUTO_TEST_CASE(an_address_built_by_hand_is_checked_too) {
  BOOST_TEST(!isPlainAddress(Address{"a b", "example.org"}));
  BOOST_TEST(!isPlainAddress(Address{"a", "example.org>; by x"}));
  BOOST_TEST(!isPlainAddress(Address{"", "example.org"}));
}

BOOST_AUTO_TEST_SUITE_END()
