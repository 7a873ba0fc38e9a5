// AllowedSenders: exact addresses and whole domains, compared case-insensitively.
#include <boost/test/unit_test.hpp>

#include "mail/allowed_senders.h"

using postern::mail::AllowedSenders;
using postern::mail::parseMailbox;

BOOST_AUTO_TEST_SUITE(allowed_senders)

BOOST_AUTO_TEST_CASE(allows_an_exact_address_in_any_case) {
  const AllowedSenders s({"Alice@Example.org"});
  BOOST_TEST(s.allows(*parseMailbox("alice@example.ORG")));
  BOOST_TEST(!s.allows(*parseMailbox("bob@example.org")));
}

BOOST_AUTO_TEST_CASE(allows_every_address_of_a_domain_pattern) {
  const AllowedSenders s({"@example.org"});
  BOOST_TEST(s.allows(*parseMailbox("anyone@EXAMPLE.org")));
  BOOST_TEST(!s.allows(*parseMailbox("anyone@sub.example.org")));
}

BOOST_AUTO_TEST_CASE(ignores_malformed_patterns) {
  const AllowedSenders s({"not an address", "@", "@[192.0.2.1]"});
  BOOST_TEST(s.empty());
}

BOOST_AUTO_TEST_CASE(matches_quoted_and_unquoted_forms_alike) {
  const AllowedSenders s({"alice.smith@example.org"});
  BOOST_TEST(s.allows(*parseMailbox("\"alice.smith\"@example.org")));
}

BOOST_AUTO_TEST_SUITE_END()
