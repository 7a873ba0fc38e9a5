#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "oauth/sasl_response.h"

using namespace postern;
using namespace postern::oauth;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(sasl_response)

BOOST_AUTO_TEST_CASE(xoauth2_has_the_exact_bytes) {
  BOOST_TEST(xoauth2Response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg") ==
             "user=someuser@example.com\x01"
             "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"s);
}

BOOST_AUTO_TEST_CASE(oauthbearer_follows_rfc7628_section_3_1) {
  // RFC 7628 §4.1's example, with the authzid it carries.
  BOOST_TEST(oauthBearerResponse("user@example.com", "server.example.com", 143,
                                 "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==") ==
             "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
             "auth=Bearer vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==\x01\x01"s);
}

BOOST_AUTO_TEST_CASE(oauthbearer_escapes_comma_and_equals_in_the_user) {
  BOOST_TEST(oauthBearerResponse("a,b=c@example.com", "smtp.example", 587, "tok") ==
             "n,a=a=2Cb=3Dc@example.com,\x01host=smtp.example\x01port=587\x01"
             "auth=Bearer tok\x01\x01"s);
}

BOOST_AUTO_TEST_CASE(oauthbearer_without_a_user_omits_the_authzid) {
  BOOST_TEST(oauthBearerResponse("", "h", 25, "t") ==
             "n,,\x01host=h\x01port=25\x01"
             "auth=Bearer t\x01\x01"s);
}

BOOST_AUTO_TEST_CASE(control_characters_cannot_inject_fields) {
  BOOST_CHECK_THROW(xoauth2Response("u\x01"
                                    "auth=Bearer x",
                                    "t"),
                    core::Error);
  BOOST_CHECK_THROW(xoauth2Response("u", "t\x01"), core::Error);
  BOOST_CHECK_THROW(xoauth2Response("u", ""), core::Error);
  BOOST_CHECK_THROW(oauthBearerResponse("u", "h\x01port=1", 25, "t"), core::Error);
  try {
    xoauth2Response("u", "secret-token\x01");
  } catch (const core::Error& e) {
    BOOST_TEST(std::string(e.what()).find("secret-token") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
