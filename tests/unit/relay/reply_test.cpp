#define BOOST_TEST_MODULE relay
#include <boost/test/unit_test.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>

#include <csignal>

#include "relay/data_encoder.h"
#include "relay/extensions.h"
#include "relay/server_reply.h"
#include "relay_fixture.h"

using namespace postern::relay;

namespace postern::test {
LogCapture& LogCapture::instance() {
  static Poco::AutoPtr<LogCapture> capture(new LogCapture);
  return *capture;
}
}  // namespace postern::test

// The whole suite: a peer that vanishes costs an error return (as in app/server.cpp), and the relay's
// log, at debug level, is kept for the secrecy checks.
struct SuiteSetup {
  SuiteSetup() {
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Logger& logger = Poco::Logger::get("relay");
    logger.setChannel(&postern::test::LogCapture::instance());
    logger.setLevel(Poco::Message::PRIO_DEBUG);
  }
};
BOOST_TEST_GLOBAL_FIXTURE(SuiteSetup);

namespace {

ServerReply assemble(const std::vector<std::string>& lines) {
  ReplyAssembler assembler;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto reply = assembler.feed(lines[i]);
    if (i + 1 == lines.size()) {
      BOOST_REQUIRE(reply.has_value());
      return *reply;
    }
    BOOST_REQUIRE(!reply.has_value());
  }
  throw std::logic_error("no lines");
}

std::string encode(const std::vector<std::string>& chunks) {
  DataEncoder encoder;
  std::string out;
  for (const auto& c : chunks) encoder.encode(c, out);
  encoder.finish(out);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(single_line_reply_keeps_code_and_text) {
  const ServerReply r = assemble({"250 2.0.0 Ok: queued as X"});
  BOOST_TEST(r.code == 250);
  BOOST_TEST(r.oneLine() == "250 2.0.0 Ok: queued as X");
  BOOST_TEST(assemble({"354"}).code == 354);
}

BOOST_AUTO_TEST_CASE(multiline_reply_is_joined_into_one_line) {
  const ServerReply r = assemble({"550-5.1.1 first", "550-second", "550 5.1.1 third"});
  BOOST_TEST(r.lines.size() == 3u);
  BOOST_TEST(r.oneLine() == "550 5.1.1 first second 5.1.1 third");
  BOOST_TEST(r.permanent());
}

BOOST_AUTO_TEST_CASE(malformed_replies_are_protocol_errors) {
  for (const std::string line : {"hello", "25", "2500 x", "650 x", "150 x", "25a x", "250x"}) {
    ReplyAssembler assembler;
    BOOST_CHECK_THROW(assembler.feed(line), ProtocolError);
  }
  ReplyAssembler changing;
  changing.feed("250-a");
  BOOST_CHECK_THROW(changing.feed("550 b"), ProtocolError);
}

BOOST_AUTO_TEST_CASE(endless_multiline_reply_is_cut_off) {
  ReplyAssembler assembler;
  std::size_t fed = 0;
  BOOST_CHECK_THROW(
      for (;;) {
        assembler.feed("250-more");
        ++fed;
      },
      ProtocolError);
  BOOST_TEST(fed == kMaxReplyLines);
}

BOOST_AUTO_TEST_CASE(control_characters_never_reach_the_rendered_line) {
  // Escaped the way core::printable() shows them everywhere (the CLI, the log), so the line stays one line.
  const ServerReply r =
      assemble({std::string("550 bad\x01\x7f"
                            "text \xe2\x80\xa8 \xc2\x9b")});
  BOOST_TEST(r.oneLine() == "550 bad\\x01\\x7ftext \\u{2028} \\u{009b}");
}

BOOST_AUTO_TEST_CASE(a_rendered_line_cut_at_its_limit_never_splits_a_utf8_character) {
  // "250 " and 993 × 'a' fill bytes 0..996; the first "ä" takes 997..998, the second 999..1000, across the
  // 1000-byte limit: it is dropped whole rather than cut in half.
  const ServerReply r = assemble({"250 " + std::string(993, 'a') + "ääää"});
  const std::string line = r.oneLine();
  BOOST_TEST(line.size() == 999u);
  BOOST_TEST(line.substr(line.size() - 4) == "aaä");
}

BOOST_AUTO_TEST_CASE(ehlo_keywords_are_parsed) {
  const Extensions e =
      Extensions::parse(assemble({"250-smtp.example.net hello", "250-pipelining", "250-SIZE 1000",
                                  "250-8BITMIME", "250-SMTPUTF8", "250-STARTTLS", "250 AUTH login PLAIN"}));
  BOOST_TEST(e.pipelining);
  BOOST_TEST(e.size);
  BOOST_TEST(e.sizeLimit.value_or(0) == 1000u);
  BOOST_TEST(e.eightBitMime);
  BOOST_TEST(e.smtputf8);
  BOOST_TEST(e.startTls);
  BOOST_TEST(e.authMechanisms.count("PLAIN") == 1u);
  BOOST_TEST(e.authMechanisms.count("LOGIN") == 1u);
}

BOOST_AUTO_TEST_CASE(size_without_a_number_means_no_limit_and_old_auth_form_counts) {
  const Extensions e = Extensions::parse(assemble({"250-x", "250-SIZE", "250 AUTH=LOGIN"}));
  BOOST_TEST(e.size);
  BOOST_TEST(!e.sizeLimit.has_value());
  BOOST_TEST(e.authMechanisms.count("LOGIN") == 1u);
  BOOST_TEST(!Extensions::parse(assemble({"250-x", "250 SIZE 0"})).sizeLimit.has_value());
  BOOST_TEST(!Extensions::parse(assemble({"250 x STARTTLS"})).startTls);  // the greeting line is no keyword
}

BOOST_AUTO_TEST_CASE(lines_starting_with_a_dot_get_another_dot) {
  BOOST_TEST(encode({".a\r\n..b\r\nc.d\r\n.\r\n"}) == "..a\r\n...b\r\nc.d\r\n..\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(dot_stuffing_works_across_chunk_boundaries) {
  BOOST_TEST(encode({"x\r", "\n", ".y\r\n"}) == "x\r\n..y\r\n.\r\n");
  BOOST_TEST(encode({"x\r\n", ".", ".\r\n"}) == "x\r\n...\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(missing_final_crlf_is_added) {
  BOOST_TEST(encode({"no newline"}) == "no newline\r\n.\r\n");
  BOOST_TEST(encode({"cr only\r"}) == "cr only\r\n.\r\n");
  BOOST_TEST(encode({"ok\r\n"}) == "ok\r\n.\r\n");
  BOOST_TEST(encode({}) == ".\r\n");
}
