// parseAddressList: RFC 5322 §3.4 address lists as found in From:, Sender: and friends.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "mail/address.h"

using postern::mail::parseAddressList;

namespace {
// The mailboxes as "local@domain" strings, or {"<broken>"} when parsing failed.
std::vector<std::string> mailboxes(std::string_view value) {
  const auto list = parseAddressList(value);
  if (!list) return {"<broken>"};
  std::vector<std::string> out;
  for (const auto& a : *list) out.push_back(a.str());
  return out;
}
using V = std::vector<std::string>;
}  // namespace

BOOST_AUTO_TEST_SUITE(address_list)

BOOST_AUTO_TEST_CASE(parses_a_bare_addr_spec) {
  BOOST_TEST(mailboxes("alice@example.org") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(parses_name_addr_with_atom_display_name) {
  BOOST_TEST(mailboxes("Alice Smith <alice@example.org>") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(parses_quoted_display_names_with_specials) {
  BOOST_TEST(mailboxes("\"Smith, Alice <boss>\" <alice@example.org>") == V{"alice@example.org"});
  BOOST_TEST(mailboxes("\"Alice\"<alice@example.org>") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(ignores_nested_comments) {
  BOOST_TEST(mailboxes("alice@example.org (Alice (the (real) one))") == V{"alice@example.org"});
  BOOST_TEST(mailboxes("(x) Alice (y) <(z)alice(w)@(v)example.org(u)>") == V{"alice@example.org"});
  BOOST_TEST(mailboxes("alice@example.org (a \\) escaped paren)") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(comments_cannot_hide_a_second_address) {
  BOOST_TEST(mailboxes("alice@example.org (, mallory@evil.test)") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(rejects_unterminated_constructs) {
  BOOST_TEST(mailboxes("alice@example.org (open") == V{"<broken>"});
  BOOST_TEST(mailboxes("\"Alice <alice@example.org>") == V{"<broken>"});
  BOOST_TEST(mailboxes("Alice <alice@example.org") == V{"<broken>"});
  BOOST_TEST(mailboxes("a@[192.0.2.1") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(returns_every_mailbox_of_a_list) {
  BOOST_TEST(mailboxes("alice@example.org, Bob <bob@example.net>") ==
             (V{"alice@example.org", "bob@example.net"}));
}

BOOST_AUTO_TEST_CASE(returns_the_members_of_groups) {
  BOOST_TEST(mailboxes("Team: alice@example.org, Bob <bob@example.net>;, carol@example.com") ==
             (V{"alice@example.org", "bob@example.net", "carol@example.com"}));
}

BOOST_AUTO_TEST_CASE(accepts_an_empty_group) { BOOST_TEST(mailboxes("undisclosed-recipients:;") == V{}); }

BOOST_AUTO_TEST_CASE(rejects_nested_groups_and_unterminated_groups) {
  BOOST_TEST(mailboxes("Outer: Inner: a@example.org;;") == V{"<broken>"});
  BOOST_TEST(mailboxes("Team: alice@example.org") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(unfolds_folded_whitespace) {
  BOOST_TEST(mailboxes("Alice\r\n Smith\r\n\t<alice@example.org>") == V{"alice@example.org"});
  BOOST_TEST(mailboxes("\"Alice\r\n Smith\" <alice@example.org>") == V{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(tolerates_obsolete_phrase_with_dots) {
  BOOST_TEST(mailboxes("John Q. Public <jqp@example.org>") == V{"jqp@example.org"});
}

BOOST_AUTO_TEST_CASE(tolerates_obsolete_route_and_empty_list_elements) {
  BOOST_TEST(mailboxes("<@relay.example,@other.example:alice@example.org>") == V{"alice@example.org"});
  BOOST_TEST(mailboxes(", alice@example.org,, bob@example.org,") ==
             (V{"alice@example.org", "bob@example.org"}));
}

BOOST_AUTO_TEST_CASE(tolerates_whitespace_around_dots_in_addr_spec) {
  BOOST_TEST(mailboxes("alice . smith @ example . org") == V{"alice.smith@example.org"});
}

BOOST_AUTO_TEST_CASE(canonicalises_quoted_local_parts) {
  BOOST_TEST(mailboxes("\"alice\"@example.org") == V{"alice@example.org"});
  BOOST_TEST(mailboxes("\"alice smith\"@example.org") == V{"\"alice smith\"@example.org"});
}

BOOST_AUTO_TEST_CASE(keeps_domain_literals) {
  BOOST_TEST(mailboxes("alice@[192.0.2.1]") == V{"alice@[192.0.2.1]"});
}

BOOST_AUTO_TEST_CASE(rejects_display_name_without_angle_brackets) {
  BOOST_TEST(mailboxes("Alice alice@example.org") == V{"<broken>"});
  BOOST_TEST(mailboxes("Alice") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(rejects_an_empty_value_and_a_null_angle_addr) {
  BOOST_TEST(mailboxes("") == V{"<broken>"});
  BOOST_TEST(mailboxes("  (only a comment) ") == V{"<broken>"});
  BOOST_TEST(mailboxes("Nobody <>") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(rejects_trailing_garbage_after_an_address) {
  BOOST_TEST(mailboxes("<alice@example.org> bob@example.org") == V{"<broken>"});
  BOOST_TEST(mailboxes("alice@example.org>") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(accepts_utf8_in_names_and_addresses_rfc6532) {
  BOOST_TEST(mailboxes("J\xc3\xb6rg <j\xc3\xb6rg@example.org>") == V{"j\xc3\xb6rg@example.org"});
  BOOST_TEST(mailboxes("J\xc3 <j@example.org>") == V{"<broken>"});
}

BOOST_AUTO_TEST_CASE(treats_encoded_words_as_plain_display_names) {
  BOOST_TEST(mailboxes("=?utf-8?q?J=C3=B6rg?= <jorg@example.org>") == V{"jorg@example.org"});
}

// Found by fuzzing (tests/fuzz/corpus/address/regression_obs_qp_control): an escaped control character in a
// quoted local part became a raw one in the stored address, which then read back as a different address.
BOOST_AUTO_TEST_CASE(a_quoted_pair_cannot_carry_a_control_character) {
  BOOST_TEST(mailboxes("\"a\\\"b\\\x1c"
                       "c\"@example.org") == V{"<broken>"});
  BOOST_TEST(mailboxes("\"a\\\rb\"@example.org") == V{"<broken>"});
  BOOST_TEST(mailboxes("\"a\\\"b\\\tc\"@example.org") == V{"\"a\\\"b\tc\"@example.org"});
  BOOST_TEST(mailboxes("\"Doe, \\\x07John\" <j@example.org>") == V{"<broken>"});
}

BOOST_AUTO_TEST_SUITE_END()
