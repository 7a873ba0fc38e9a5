// LineReader: command lines end only at CRLF; defects are reported, never acted on.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "smtp/line_reader.h"

using postern::smtp::CommandLine;
using postern::smtp::LineReader;
using Defect = CommandLine::Defect;

namespace {
// Feeds the input in chunks of chunkSize and collects every completed line.
std::vector<CommandLine> readAll(std::string_view input, std::size_t chunkSize = 1000,
                                 std::size_t limit = 512) {
  LineReader r;
  std::vector<CommandLine> lines;
  while (!input.empty()) {
    std::string_view chunk = input.substr(0, chunkSize);
    input.remove_prefix(chunk.size());
    while (!chunk.empty()) {
      chunk.remove_prefix(r.consume(chunk, limit, 12288));
      if (auto l = r.takeLine()) lines.push_back(*l);
    }
  }
  return lines;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(line_reader)

BOOST_AUTO_TEST_CASE(ends_lines_at_crlf_in_any_chunking) {
  for (std::size_t chunk : {1, 2, 3, 1000}) {
    const auto lines = readAll("NOOP\r\nQUIT\r\n", chunk);
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    BOOST_TEST(lines[0].text == "NOOP");
    BOOST_TEST((lines[1].defect == Defect::None));
  }
}

BOOST_AUTO_TEST_CASE(keeps_an_incomplete_line) {
  LineReader r;
  BOOST_TEST(r.consume("NOO", 512, 12288) == 3u);
  BOOST_TEST(!r.takeLine().has_value());
  BOOST_TEST(r.holdsPartialLine());
}

BOOST_AUTO_TEST_CASE(bare_lf_is_a_defect_that_ends_the_line) {
  const auto lines = readAll("NOOP\nQUIT\r\n");
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_TEST((lines[0].defect == Defect::BareCrOrLf));
  BOOST_TEST(lines[1].text == "QUIT");
}

BOOST_AUTO_TEST_CASE(bare_cr_is_a_defect_that_does_not_end_the_line) {
  for (std::size_t chunk : {1, 1000}) {
    const auto lines = readAll("NO\rOP\r\nQUIT\r\n", chunk);
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    BOOST_TEST((lines[0].defect == Defect::BareCrOrLf));
    BOOST_TEST(lines[1].text == "QUIT");
  }
}

BOOST_AUTO_TEST_CASE(cr_cr_lf_is_a_bare_cr) {
  const auto lines = readAll("NOOP\r\r\n");
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST((lines[0].defect == Defect::BareCrOrLf));
}

BOOST_AUTO_TEST_CASE(nul_is_a_defect) {
  const auto lines = readAll(std::string("NO\0OP\r\n", 7));
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST((lines[0].defect == Defect::Nul));
}

BOOST_AUTO_TEST_CASE(accepts_a_line_of_exactly_the_limit_including_crlf) {
  const auto lines = readAll(std::string(510, 'x') + "\r\n");
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST((lines[0].defect == Defect::None));
}

BOOST_AUTO_TEST_CASE(marks_a_longer_line_and_holds_no_more_than_the_limit) {
  for (std::size_t chunk : {7, 100000}) {
    const auto lines = readAll(std::string(100000, 'x') + "\r\nQUIT\r\n", chunk);
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    BOOST_TEST((lines[0].defect == Defect::TooLong));
    BOOST_TEST(lines[0].text.size() <= 510u);
    BOOST_TEST(lines[1].text == "QUIT");
  }
}

BOOST_AUTO_TEST_CASE(auth_lines_may_be_12288_octets_rfc4954) {
  const std::string auth = "AUTH PLAIN " + std::string(12288 - 13, 'A');
  for (std::size_t chunk : {3, 100000}) {
    const auto lines = readAll(auth + "\r\n", chunk);
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST((lines[0].defect == Defect::None));
    BOOST_TEST((readAll(auth + "A\r\n", chunk)[0].defect == Defect::TooLong));
  }
}

BOOST_AUTO_TEST_SUITE_END()
