#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/text.h"

using namespace postern::core;

BOOST_AUTO_TEST_CASE(base64_round_trips_all_padding_lengths) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0user\0pass", 10)}) {
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

BOOST_AUTO_TEST_CASE(printable_escapes_terminal_controls_and_keeps_readable_text) {
  BOOST_TEST(printable("plain text, tab\there") == "plain text, tab\there");
  BOOST_TEST(printable("\x1b]0;owned\x07\x1b[2J") == "\\x1b]0;owned\\x07\\x1b[2J");
  BOOST_TEST(printable(std::string("nul\0cr\rlf\ndel\x7f", 14)) == "nul\\x00cr\\x0dlf\\x0adel\\x7f");
  BOOST_TEST(printable("Gr\xc3\xbc\xc3\x9f"
                       "e \xe2\x82\xac") ==
             "Gr\xc3\xbc\xc3\x9f"
             "e \xe2\x82\xac");  // UTF-8 text stays
  BOOST_TEST(printable("a\xc2\x85"
                       "b") == "a\\u{0085}b");  // NEL, a C1 control
  BOOST_TEST(printable("a\xe2\x80\xa8"
                       "b\xe2\x80\xa9") == "a\\u{2028}b\\u{2029}");  // line/paragraph separator
  BOOST_TEST(printable("\xe2\x80\xae"
                       "gpj.exe") == "\\u{202e}gpj.exe");  // right-to-left override
  BOOST_TEST(printable("bad \xff\xc3 utf8") == "bad \\xff\\xc3 utf8");
  BOOST_TEST(printable("back\\slash") == "back\\slash");
}

BOOST_AUTO_TEST_CASE(printable_is_idempotent) {
  for (const std::string s : {"\x1b[31mred", "x\xe2\x80\xa8y", "a\\x1bb", "\xff"})
    BOOST_TEST(printable(printable(s)) == printable(s));
}

BOOST_AUTO_TEST_CASE(log_values_are_quoted_only_when_a_reader_could_split_them) {
  BOOST_TEST(logValue("<bob@example.org>") == "<bob@example.org>");
  BOOST_TEST(logValue("") == "\"\"");
  BOOST_TEST(logValue("two words") == "\"two words\"");
  BOOST_TEST(logValue("a=b") == "\"a=b\"");
  BOOST_TEST(logValue("say \"hi\"") == "\"say \\\"hi\\\"\"");
  BOOST_TEST(logValue("back\\slash") == "\"back\\\\slash\"");
  BOOST_TEST(logValue("tab\there") == "\"tab\\there\"");
  BOOST_TEST(logValue("esc\x1b") == "\"esc\\x1b\"");
}

BOOST_AUTO_TEST_CASE(a_quoted_local_part_cannot_forge_log_fields) {
  // RFC 5321 allows spaces and '=' inside a quoted local part; in a log line they must not start a field.
  const std::string value = logValue("<\"x status=sent relay=evil\"@example.net>");
  BOOST_TEST(value == "\"<\\\"x status=sent relay=evil\\\"@example.net>\"");
  BOOST_TEST(value.find(' ') > value.find('"'));
  const std::string line = logValue(
      "a\xe2\x80\xa8"
      "2026-12-06T00:00:00Z I postern: forged");
  BOOST_TEST(line.find("\xe2\x80\xa8") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_join_and_split_with_their_separator) {
  BOOST_TEST(join({"a", "b", "c"}, ", ") == "a, b, c");
  BOOST_TEST(join({}, ", ") == "");
  BOOST_TEST(splitList(" a:1, b:2 ,,c ") == (std::vector<std::string>{"a:1", "b:2", "c"}));
  BOOST_TEST(splitList("").empty());
  BOOST_TEST(splitList(join({"x:1", "[2001:db8::1]:587"}, ", ")) ==
             (std::vector<std::string>{"x:1", "[2001:db8::1]:587"}));
}
