// The command table and parser: verbs, MAIL/RCPT paths and ESMTP parameters, AUTH arguments.
#define BOOST_TEST_MODULE smtp
#include <boost/test/unit_test.hpp>

#include "smtp/command_parser.h"
#include "smtp/command_table.h"

using namespace postern::smtp;

namespace {
std::string errorOf(const Parsed<MailFrom>& p) { return p.ok() ? "ok" : p.error().render(); }
std::string errorOf(const Parsed<RcptTo>& p) { return p.ok() ? "ok" : p.error().render(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(command_table)

BOOST_AUTO_TEST_CASE(finds_verbs_case_insensitively) {
  BOOST_REQUIRE(findCommand("mAiL") != nullptr);
  BOOST_TEST(findCommand("mAiL")->name == "MAIL");
  BOOST_TEST(findCommand("TURN") == nullptr);
  BOOST_TEST(findCommand("") == nullptr);
}

BOOST_AUTO_TEST_CASE(mail_transaction_and_auth_need_tls_rfc3207) {
  for (const auto* v : {"AUTH", "MAIL", "RCPT", "DATA"}) BOOST_TEST(!findCommand(v)->allowedBeforeTls, v);
  for (const auto* v : {"EHLO", "HELO", "STARTTLS", "RSET", "NOOP", "QUIT"})
    BOOST_TEST(findCommand(v)->allowedBeforeTls, v);
}

BOOST_AUTO_TEST_CASE(transaction_commands_need_auth_rfc4954) {
  for (const auto* v : {"MAIL", "RCPT", "DATA"}) BOOST_TEST(findCommand(v)->needsAuth, v);
  BOOST_TEST(!findCommand("AUTH")->needsAuth);
}

BOOST_AUTO_TEST_CASE(group_ending_commands_follow_rfc2920) {
  for (const auto* v : {"EHLO", "DATA", "VRFY", "EXPN", "QUIT", "NOOP", "STARTTLS", "AUTH"})
    BOOST_TEST(findCommand(v)->endsPipelineGroup, v);
  for (const auto* v : {"MAIL", "RCPT", "RSET"}) BOOST_TEST(!findCommand(v)->endsPipelineGroup, v);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(command_parser)

BOOST_AUTO_TEST_CASE(splits_verb_and_trimmed_argument) {
  const auto c = splitCommand("MAIL FROM:<a@b.example>  ");
  BOOST_TEST(c.verb == "MAIL");
  BOOST_TEST(c.argument == "FROM:<a@b.example>");
  BOOST_TEST(splitCommand("QUIT").argument.empty());
}

BOOST_AUTO_TEST_CASE(parses_mail_from_with_parameters) {
  const auto p = parseMailFrom("FROM:<alice@example.org> SIZE=1000 BODY=8BITMIME AUTH=<> SMTPUTF8");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().sender->str() == "alice@example.org");
  BOOST_TEST(*p.value().size == 1000u);
  BOOST_TEST((p.value().body == BodyType::EightBitMime));
  BOOST_TEST(p.value().smtputf8);
}

BOOST_AUTO_TEST_CASE(parameter_keywords_and_body_values_are_case_insensitive) {
  const auto p = parseMailFrom("from:<alice@example.org> body=7bit size=5");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST((p.value().body == BodyType::SevenBit));
}

BOOST_AUTO_TEST_CASE(parses_the_null_reverse_path) {
  const auto p = parseMailFrom("FROM:<>");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(!p.value().sender.has_value());
}

BOOST_AUTO_TEST_CASE(tolerates_a_space_after_the_colon) {
  BOOST_TEST(parseMailFrom("FROM: <alice@example.org>").ok());
}

BOOST_AUTO_TEST_CASE(ignores_a_source_route_rfc5321_appendix_c) {
  const auto p = parseMailFrom("FROM:<@relay.example,@other.example:alice@example.org>");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().sender->str() == "alice@example.org");
}

BOOST_AUTO_TEST_CASE(finds_the_closing_bracket_outside_a_quoted_local_part) {
  const auto p = parseMailFrom("FROM:<\"a>b\"@example.org> SIZE=1");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().sender->local == "\"a>b\"");
}

BOOST_AUTO_TEST_CASE(rejects_mail_syntax_with_501_5_5_4) {
  for (const auto* arg :
       {"", "FROM", "TO:<a@b.example>", "FROM:a@b.example", "FROM:<a@b.example", "FROM:<a@b.example>SIZE=1"})
    BOOST_TEST(errorOf(parseMailFrom(arg)) == "501 5.5.4 Syntax: MAIL FROM:<address>\r\n", arg);
}

BOOST_AUTO_TEST_CASE(rejects_a_bad_sender_address_with_501_5_1_7) {
  BOOST_TEST(errorOf(parseMailFrom("FROM:<alice>")) == "501 5.1.7 Bad sender address syntax\r\n");
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a b@example.org>")) == "501 5.1.7 Bad sender address syntax\r\n");
}

BOOST_AUTO_TEST_CASE(rejects_unknown_parameters_with_555) {
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a@example.org> RET=FULL")) ==
             "555 5.5.4 Unsupported parameter\r\n");
}

BOOST_AUTO_TEST_CASE(rejects_bad_parameter_values_and_duplicates) {
  for (const auto* arg :
       {"FROM:<a@example.org> SIZE=x", "FROM:<a@example.org> SIZE",
        "FROM:<a@example.org> SIZE=", "FROM:<a@example.org> BODY=BINARYMIME",
        "FROM:<a@example.org> SMTPUTF8=yes", "FROM:<a@example.org> SIZE=1 SIZE=2", "FROM:<a@example.org> =x"})
    BOOST_TEST(errorOf(parseMailFrom(arg)) == "501 5.5.4 Bad parameter syntax\r\n", arg);
}

BOOST_AUTO_TEST_CASE(saturates_sizes_beyond_64_bits) {
  const auto p = parseMailFrom("FROM:<a@example.org> SIZE=99999999999999999999999");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(*p.value().size == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(non_ascii_sender_needs_smtputf8_rfc6531) {
  BOOST_TEST(errorOf(parseMailFrom("FROM:<j\xc3\xb6rg@example.org>")) ==
             "553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n");
  BOOST_TEST(parseMailFrom("FROM:<j\xc3\xb6rg@example.org> SMTPUTF8").ok());
}

BOOST_AUTO_TEST_CASE(parses_rcpt_to) {
  const auto p = parseRcptTo("TO:<Bob@Example.COM>", false);
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().recipient.str() == "Bob@Example.COM");
}

BOOST_AUTO_TEST_CASE(rejects_bad_rcpt_syntax_with_501_5_1_3) {
  for (const auto* arg : {"", "TO:", "TO:<>", "TO:bob@example.com", "FROM:<bob@example.com>", "TO:<bob>"})
    BOOST_TEST(errorOf(parseRcptTo(arg, false)) == "501 5.1.3 Bad recipient address syntax\r\n", arg);
}

BOOST_AUTO_TEST_CASE(rejects_every_rcpt_parameter_with_555) {
  BOOST_TEST(errorOf(parseRcptTo("TO:<bob@example.com> NOTIFY=NEVER", false)) ==
             "555 5.5.4 Unsupported parameter\r\n");
}

BOOST_AUTO_TEST_CASE(non_ascii_recipient_needs_smtputf8) {
  BOOST_TEST(!parseRcptTo("TO:<j\xc3\xb6rg@example.org>", false).ok());
  BOOST_TEST(parseRcptTo("TO:<j\xc3\xb6rg@example.org>", true).ok());
}

BOOST_AUTO_TEST_CASE(parses_auth_mechanism_and_initial_response) {
  const auto p = parseAuth("plain AGFsaWNlAHNlY3JldA==");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().mechanism == "PLAIN");
  BOOST_TEST(*p.value().initialResponse == "AGFsaWNlAHNlY3JldA==");
  BOOST_TEST(!parseAuth("LOGIN").value().initialResponse.has_value());
}

BOOST_AUTO_TEST_CASE(rejects_malformed_auth_arguments) {
  BOOST_TEST(!parseAuth("").ok());
  BOOST_TEST(!parseAuth("PLAIN a b").ok());
  BOOST_TEST(!parseAuth("PL@IN").ok());
  BOOST_TEST(!parseAuth(std::string(21, 'X')).ok());
}

BOOST_AUTO_TEST_SUITE_END()
