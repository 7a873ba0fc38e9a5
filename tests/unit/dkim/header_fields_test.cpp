#include <boost/test/unit_test.hpp>

#include <string>

#include "dkim/header_fields.h"

using namespace postern::dkim;

namespace {
const std::string kSection =
    "Received: from a\r\n"
    "From: Ann <ann@example.org>\r\n"
    "Subject: first line\r\n"
    "\tsecond line\r\n"
    "X-Trace: one\r\n"
    "x-trace : two\r\n"
    "\r\n";
}

BOOST_AUTO_TEST_CASE(parses_fields_with_their_folded_lines) {
  const auto fields = parseHeaderSection(kSection);
  BOOST_TEST_REQUIRE(fields.size() == 5u);
  BOOST_TEST(fields[2].name == "Subject");
  BOOST_TEST(fields[2].raw == "Subject: first line\r\n\tsecond line\r\n");
  BOOST_TEST(fields[4].name == "x-trace");
}

BOOST_AUTO_TEST_CASE(stops_at_the_empty_line_and_completes_a_last_field_without_crlf) {
  BOOST_TEST(parseHeaderSection("A: 1\r\n\r\nB: body\r\n").size() == 1u);
  const auto fields = parseHeaderSection("A: 1\r\nB: 2");
  BOOST_TEST_REQUIRE(fields.size() == 2u);
  BOOST_TEST(fields[1].raw == "B: 2\r\n");
}

BOOST_AUTO_TEST_CASE(selects_repeated_fields_bottom_up) {
  const auto fields = parseHeaderSection(kSection);
  const auto selected = selectFieldsForSigning(fields, {"x-trace", "X-TRACE"});
  BOOST_TEST_REQUIRE(selected.size() == 2u);
  BOOST_TEST(selected[0]->raw == "x-trace : two\r\n");  // §5.4.2: the last instance first
  BOOST_TEST(selected[1]->raw == "X-Trace: one\r\n");
}

BOOST_AUTO_TEST_CASE(over_signed_names_select_nothing) {
  const auto fields = parseHeaderSection(kSection);
  const auto selected = selectFieldsForSigning(fields, {"from", "from", "cc"});
  BOOST_TEST_REQUIRE(selected.size() == 3u);
  BOOST_TEST(selected[0] == &fields[1]);
  BOOST_TEST(selected[1] == nullptr);
  BOOST_TEST(selected[2] == nullptr);
}

BOOST_AUTO_TEST_CASE(default_names_cover_present_fields_and_over_sign_from_to_subject) {
  const auto fields = parseHeaderSection(
      "From: a@example.org\r\nTo: b@example.net\r\nTo: c@example.net\r\nList-Id: <l.example.org>\r\n"
      "Received: x\r\nSubject: s\r\n");
  const std::vector<std::string> expected{"From", "To", "To", "Subject", "List-Id", "From", "To", "Subject"};
  BOOST_TEST(defaultSignedHeaderNames(fields) == expected, boost::test_tools::per_element());
}
