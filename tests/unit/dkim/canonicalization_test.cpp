#define BOOST_TEST_MODULE dkim
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/text.h"
#include "dkim/canonicalization.h"

using namespace postern::dkim;

namespace {

std::string canonicalBody(Canonicalization c, const std::vector<std::string>& chunks) {
  std::string out;
  BodyCanonicalizer canon(c, [&out](std::string_view s) { out += s; });
  for (const auto& chunk : chunks) canon.update(chunk);
  canon.finish();
  return out;
}

std::string canonicalBody(Canonicalization c, const std::string& body) {
  return canonicalBody(c, std::vector<std::string>{body});
}

std::string bodyHash(Canonicalization c, const std::vector<std::string>& chunks) {
  BodyHasher hasher(c);
  for (const auto& chunk : chunks) hasher.update(chunk);
  return postern::core::base64Encode(hasher.finish());
}

// RFC 6376 §3.4.5, the example message.
const std::string kExampleBody = " C \r\nD \t E\r\n\r\n\r\n";

}  // namespace

BOOST_AUTO_TEST_CASE(rfc6376_3_4_5_relaxed_header_example) {
  BOOST_TEST(canonicalizeHeaderField(Canonicalization::Relaxed, "A: X\r\n") == "a:X\r\n");
  BOOST_TEST(canonicalizeHeaderField(Canonicalization::Relaxed, "B : Y\t\r\n\tZ  \r\n") == "b:Y Z\r\n");
}

BOOST_AUTO_TEST_CASE(rfc6376_3_4_5_relaxed_body_example) {
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, kExampleBody) == " C\r\nD E\r\n");
}

BOOST_AUTO_TEST_CASE(rfc6376_3_4_5_simple_header_example_is_unchanged) {
  BOOST_TEST(canonicalizeHeaderField(Canonicalization::Simple, "A: X\r\n") == "A: X\r\n");
  BOOST_TEST(canonicalizeHeaderField(Canonicalization::Simple, "B : Y\t\r\n\tZ  \r\n") ==
             "B : Y\t\r\n\tZ  \r\n");
}

BOOST_AUTO_TEST_CASE(rfc6376_3_4_5_simple_body_example) {
  BOOST_TEST(canonicalBody(Canonicalization::Simple, kExampleBody) == " C \r\nD \t E\r\n");
}

BOOST_AUTO_TEST_CASE(simple_empty_body_is_one_crlf_and_relaxed_empty_body_is_empty) {
  BOOST_TEST(canonicalBody(Canonicalization::Simple, "") == "\r\n");  // §3.4.3
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "") == "");     // §3.4.4
  BOOST_TEST(canonicalBody(Canonicalization::Simple, "\r\n\r\n") == "\r\n");
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "\r\n \t\r\n") == "");
  // Well-known hashes of the two empty bodies.
  BOOST_TEST(bodyHash(Canonicalization::Simple, {""}) == "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  BOOST_TEST(bodyHash(Canonicalization::Relaxed, {""}) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

BOOST_AUTO_TEST_CASE(a_last_line_without_crlf_is_completed) {
  BOOST_TEST(canonicalBody(Canonicalization::Simple, "abc") == "abc\r\n");
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "abc \t") == "abc\r\n");
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "abc\r\n  ") == "abc\r\n");
}

BOOST_AUTO_TEST_CASE(empty_lines_inside_the_body_are_kept) {
  BOOST_TEST(canonicalBody(Canonicalization::Simple, "a\r\n\r\n\r\nb\r\n\r\n") == "a\r\n\r\n\r\nb\r\n");
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "a\r\n \r\n\t\r\nb\r\n \r\n") == "a\r\n\r\n\r\nb\r\n");
}

BOOST_AUTO_TEST_CASE(relaxed_keeps_one_space_for_leading_whitespace) {
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "\t\t x  y\r\n") == " x y\r\n");
}

BOOST_AUTO_TEST_CASE(bare_cr_and_lf_are_content) {
  BOOST_TEST(canonicalBody(Canonicalization::Simple, "a\rb\nc\r\n\r") == "a\rb\nc\r\n\r\r\n");
}

BOOST_AUTO_TEST_CASE(body_hash_is_the_same_for_every_split_of_the_input) {
  const std::string body =
      " C \r\nD \t E\r\n\r\n.dot\r\n\xc3\xa9t\xc3\xa9  \t\r\n\r\n \r\nend\r\n\r\n\t\r\n\r\n";
  for (const auto c : {Canonicalization::Simple, Canonicalization::Relaxed}) {
    const std::string whole = bodyHash(c, {body});
    for (std::size_t i = 0; i <= body.size(); ++i) {
      for (std::size_t j = i; j <= body.size(); j += 3) {
        const std::string split = bodyHash(c, {body.substr(0, i), body.substr(i, j - i), body.substr(j)});
        BOOST_TEST_REQUIRE(split == whole, "split at " << i << "," << j);
      }
    }
    std::vector<std::string> bytes;
    for (char ch : body) bytes.emplace_back(1, ch);
    BOOST_TEST(bodyHash(c, bytes) == whole);
  }
}

BOOST_AUTO_TEST_CASE(a_crlf_split_across_chunks_ends_the_line) {
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed,
                           std::vector<std::string>{"a  \r", "\nb\r", "\n\r", "\n"}) == "a\r\nb\r\n");
}

BOOST_AUTO_TEST_CASE(long_runs_of_empty_lines_are_held_only_until_content) {
  std::string body = "x\r\n";
  for (int i = 0; i < 100000; ++i) body += "\r\n";
  BOOST_TEST(canonicalBody(Canonicalization::Simple, body) == "x\r\n");
  BOOST_TEST(canonicalBody(Canonicalization::Simple, body + "y\r\n").size() == 3 + 200000 + 3);
}

// §3.4.4 "Ignore all whitespace at the end of lines" applies to a last line without CRLF too (as in
// Mail::DKIM; dkimpy keeps one SP there).
BOOST_AUTO_TEST_CASE(relaxed_drops_whitespace_at_the_end_of_a_last_line_without_crlf) {
  BOOST_TEST(canonicalBody(Canonicalization::Relaxed, "last line  \t") == "last line\r\n");
}
