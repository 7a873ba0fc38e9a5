#define BOOST_TEST_MODULE clientconfig
#include <boost/test/unit_test.hpp>

#include "clientconfig/requested_address.h"
#include "clientconfig/xml_text.h"

using postern::clientconfig::requestedAddress;
using postern::clientconfig::xmlText;

BOOST_AUTO_TEST_SUITE(xml_text)

BOOST_AUTO_TEST_CASE(markup_characters_become_references) {
  BOOST_TEST(xmlText("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  BOOST_TEST(xmlText("</string><key>x") == "&lt;/string&gt;&lt;key&gt;x");
}

BOOST_AUTO_TEST_CASE(characters_xml_cannot_carry_are_replaced_not_passed_through) {
  BOOST_TEST(xmlText(std::string("a\x01"
                                 "b\x1b",
                                 4)) ==
             "a\xEF\xBF\xBD"
             "b\xEF\xBF\xBD");
  BOOST_TEST(xmlText("tab\there") == "tab\there");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(requested_address)

BOOST_AUTO_TEST_CASE(an_address_is_lower_cased_with_its_domain) {
  const auto a = requestedAddress("  Alice@Example.ORG ");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->address == "alice@example.org");
  BOOST_TEST(a->domain == "example.org");
}

BOOST_AUTO_TEST_CASE(text_that_is_not_one_mailbox_at_a_domain_name_is_refused) {
  for (const char* bad : {"", "alice", "@example.org", "alice@", "a@[192.0.2.1]", "a@b@c", "a b@example.org",
                          "alice@example.org\r\nX: y", "<alice@example.org>"})
    BOOST_TEST(!requestedAddress(bad), bad);
}

BOOST_AUTO_TEST_SUITE_END()
