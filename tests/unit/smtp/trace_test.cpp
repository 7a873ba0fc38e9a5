// EHLO capabilities and the Received trace field.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>

#include "smtp/capabilities.h"
#include "smtp/received_header.h"

using namespace postern::smtp;

namespace {
using Lines = std::vector<std::string>;

ReceivedInfo sampleInfo() {
  ReceivedInfo i;
  i.heloName = "laptop.example";
  i.clientAddress = "192.0.2.7";
  i.hostname = "mx.example.net";
  i.queueId = "Q1";
  i.tlsVersion = "TLSv1.3";
  i.tlsCipher = "TLS_AES_256_GCM_SHA384";
  i.login = "alice";
  i.recipient = postern::mail::Address{"bob", "example.com"};
  i.time = std::chrono::system_clock::time_point(std::chrono::seconds(1796059673));
  return i;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(capabilities)

BOOST_AUTO_TEST_CASE(offers_starttls_and_no_auth_before_tls) {
  BOOST_TEST(ehloLines({"mx.example.net", 1000, false, {"PLAIN", "LOGIN"}}) ==
             (Lines{"mx.example.net", "PIPELINING", "CHUNKING", "SIZE 1000", "8BITMIME",
                    "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN", "STARTTLS"}));
}

BOOST_AUTO_TEST_CASE(offers_auth_and_no_starttls_after_tls) {
  BOOST_TEST(ehloLines({"mx.example.net", 1000, true, {"PLAIN", "LOGIN"}}) ==
             (Lines{"mx.example.net", "PIPELINING", "CHUNKING", "SIZE 1000", "8BITMIME",
                    "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN", "AUTH PLAIN LOGIN"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(received_header)

BOOST_AUTO_TEST_CASE(renders_the_esmtpsa_trace_rfc3848) {
  BOOST_TEST(receivedHeader(sampleInfo()) ==
             "Received: from laptop.example ([192.0.2.7])\r\n"
             "\tby mx.example.net (Postern) with ESMTPSA id Q1\r\n"
             "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n"
             "\t(authenticated as alice)\r\n"
             "\tfor <bob@example.com>; Mon, 30 Nov 2026 17:27:53 +0000\r\n");
}

BOOST_AUTO_TEST_CASE(leaves_out_the_for_clause_and_the_client_address_when_asked) {
  ReceivedInfo i = sampleInfo();
  i.recipient.reset();
  i.clientAddress.reset();
  BOOST_TEST(receivedHeader(i) ==
             "Received: from laptop.example\r\n"
             "\tby mx.example.net (Postern) with ESMTPSA id Q1\r\n"
             "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n"
             "\t(authenticated as alice); Mon, 30 Nov 2026 17:27:53 +0000\r\n");
}

BOOST_AUTO_TEST_CASE(writes_ipv6_as_an_address_literal_rfc5321_4_1_3) {
  ReceivedInfo i = sampleInfo();
  i.clientAddress = "2001:db8::7";
  BOOST_TEST(receivedHeader(i).find("from laptop.example ([IPv6:2001:db8::7])\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(client_text_cannot_break_the_field_or_its_comments) {
  ReceivedInfo i = sampleInfo();
  i.heloName = "evil\r\nX-Injected: yes (x)";
  i.login = "al)ice\\(";
  const std::string h = receivedHeader(i);
  BOOST_TEST(h.find("X-Injected: yes") == std::string::npos);
  BOOST_TEST(h.find("from evil??X-Injected:?yes??x? ([192.0.2.7])") != std::string::npos);
  BOOST_TEST(h.find("(authenticated as al?ice?"
                    "?)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_helo_name_cannot_fake_a_client_address_or_end_the_clauses) {
  ReceivedInfo i = sampleInfo();
  i.heloName = "x (192.0.2.99); Mon, 1 Jan 2024";
  BOOST_TEST(receivedHeader(i).find("Received: from x??192.0.2.99???Mon,?1?Jan?2024 ([192.0.2.7])\r\n") ==
             0u);
}

BOOST_AUTO_TEST_CASE(a_quoted_local_part_is_left_out_of_the_for_clause_rfc5321_4_4) {
  ReceivedInfo i = sampleInfo();
  // A valid quoted local part that would read as the end of Postern's field and a forged "by" hop.
  i.recipient = postern::mail::parseMailbox("\"x; by evil.example; Tue, 1 Jan 2030 (x\"@example.net");
  BOOST_REQUIRE(i.recipient.has_value());
  const std::string h = receivedHeader(i);
  BOOST_TEST(h.find("for") == std::string::npos);
  BOOST_TEST(h.find("evil.example") == std::string::npos);
  BOOST_TEST(h.find("\t(authenticated as alice); Mon, 30 Nov 2026 17:27:53 +0000\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_address_literal_recipient_is_left_out_of_the_for_clause) {
  ReceivedInfo i = sampleInfo();
  i.recipient = postern::mail::parseMailbox("postmaster@[192.0.2.1]");
  BOOST_TEST(receivedHeader(i).find("for") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_plain_utf8_recipient_stays_in_the_for_clause) {
  ReceivedInfo i = sampleInfo();
  i.recipient = postern::mail::parseMailbox("j\xc3\xb6rg@example.com");
  BOOST_TEST(receivedHeader(i).find("\tfor <j\xc3\xb6rg@example.com>; ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_line_exceeds_998_octets_even_with_long_client_text) {
  ReceivedInfo i = sampleInfo();
  i.heloName = std::string(5000, 'h');
  i.login = std::string(12000, 'l');
  std::istringstream lines(receivedHeader(i));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    BOOST_TEST(line.size() <= 999u);  // 998 plus the CR left by getline
    BOOST_TEST(line.back() == '\r');
    ++count;
  }
  BOOST_TEST(count == 5);
}

BOOST_AUTO_TEST_SUITE_END()
