#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/text.h"

using namespace postern::core;

BOOST_AUTO_TEST_CASE(base64_round_trips_all_padding_lengths) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0user\0pass", 10)}) {
    const auto decoded = base64Decode(base64Encode(s));
    BOOST_REQUIRE(decoded.has_value());
    BOOST_TEST(*decoded == s);
  }
  BOOST_TEST(base64Encode("foobar") == "Zm9vYmFy");  // RFC 4648 §10
  BOOST_TEST(base64Encode("fo") == "Zm8=");
}

BOOST_AUTO_TEST_CASE(base64_rejects_malformed_input) {
  BOOST_TEST(!base64Decode("Zm9").has_value());        // length not a multiple of 4
  BOOST_TEST(!base64Decode("Zm9v YmFy").has_value());  // whitespace
  BOOST_TEST(!base64Decode("Zm=v").has_value());       // data after padding
  BOOST_TEST(!base64Decode("Zm9v!mFy").has_value());   // outside the alphabet
  BOOST_TEST(!base64Decode("Zm9=").has_value());       // non-zero trailing bits
  BOOST_TEST(!base64Decode("====").has_value());
}

BOOST_AUTO_TEST_CASE(constant_time_equals_compares_content_and_length) {
  BOOST_TEST(constantTimeEquals("secret", "secret"));
  BOOST_TEST(!constantTimeEquals("secret", "secreT"));
  BOOST_TEST(!constantTimeEquals("secret", "secret2"));
  BOOST_TEST(constantTimeEquals("", ""));
}

BOOST_AUTO_TEST_CASE(ascii_case_helpers) {
  BOOST_TEST(toLowerAscii("MAIL From") == "mail from");
  BOOST_TEST(iequalsAscii("StartTLS", "STARTTLS"));
  BOOST_TEST(istartsWithAscii("mail FROM:<a@b>", "MAIL FROM:"));
  BOOST_TEST(trim(" \t x y \t") == "x y");
}

BOOST_AUTO_TEST_CASE(renders_rfc5322_date_in_utc) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1796059673));
  BOOST_TEST(rfc5322Date(t) == "Mon, 30 Nov 2026 17:27:53 +0000");
}
