// RFC 3461 §4 xtext and RFC 6533 §3 utf-8 address forms.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/xtext.h"

using namespace postern::core;

BOOST_AUTO_TEST_SUITE(xtext)

BOOST_AUTO_TEST_CASE(decodes_plus_and_two_upper_case_hex_digits) {
  BOOST_TEST(xtextDecode("a+2Bb+3Dc+20d").value_or("?") == "a+b=c d");
  BOOST_TEST(xtextDecode("").value_or("?") == "");
  BOOST_TEST(xtextDecode("!~").value_or("?") == "!~");
}

BOOST_AUTO_TEST_CASE(refuses_what_the_grammar_does_not_allow) {
  for (const std::string& text :
       std::vector<std::string>{"a+2b", "a+", "a+2", "a+G0", "a=b", "a b", std::string("a\x7f"),
                                std::string("a\xc3\xb6"), std::string("a\tb")})
    BOOST_TEST(!xtextDecode(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(encodes_every_byte_outside_xchar_and_round_trips) {
  BOOST_TEST(xtextEncode("a+b=c d") == "a+2Bb+3Dc+20d");
  BOOST_TEST(xtextEncode(std::string("\r\n\xff", 3)) == "+0D+0A+FF");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  BOOST_TEST(xtextDecode(xtextEncode(all)).value_or("?") == all);
}

BOOST_AUTO_TEST_CASE(utf8_addr_decodes_embedded_code_points) {
  BOOST_TEST(utf8AddrDecode("j\\x{F6}rg", false).value_or("?") == "j\xc3\xb6rg");
  BOOST_TEST(utf8AddrDecode("a\\x{2B}b\\x{20}c\\x{5C}", false).value_or("?") == "a+b c\\");
  BOOST_TEST(utf8AddrDecode("\\x{1F600}", false).value_or("?") == "\xf0\x9f\x98\x80");
}

BOOST_AUTO_TEST_CASE(utf8_addr_refuses_bad_escapes_and_raw_utf8_in_xtext_form) {
  for (const std::string text : {"a\\x{41}", "a\\x{f6}", "a\\x{0F6}", "a\\x{00}", "a\\x{D800}",
                                 "a\\x{110000}", "a\\x{F6", "a\\y", "a+b", "a=b", "a b"})
    BOOST_TEST(!utf8AddrDecode(text, true).has_value(), text);
  BOOST_TEST(!utf8AddrDecode("j\xc3\xb6rg", false).has_value());
  BOOST_TEST(utf8AddrDecode("j\xc3\xb6rg", true).value_or("?") == "j\xc3\xb6rg");
  BOOST_TEST(!utf8AddrDecode("j\xc3rg", true).has_value());
}

BOOST_AUTO_TEST_CASE(utf8_addr_encodes_to_ascii_and_round_trips) {
  const std::string address = "j\xc3\xb6rg+x=y@\xe4\xbe\x8b.example";
  const auto encoded = utf8AddrXtextEncode(address);
  BOOST_REQUIRE(encoded.has_value());
  BOOST_TEST(*encoded == "j\\x{F6}rg\\x{2B}x\\x{3D}y@\\x{4F8B}.example");
  BOOST_TEST(utf8AddrDecode(*encoded, false).value_or("?") == address);
  BOOST_TEST(!utf8AddrXtextEncode("bad\xff").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
