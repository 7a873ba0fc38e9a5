// The command table and parser: verbs, MAIL/RCPT paths and ESMTP parameters, AUTH arguments.
#define BOOST_TEST_MODULE smtp
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

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
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a@example.org> MT-PRIORITY=3")) ==
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

BOOST_AUTO_TEST_CASE(rejects_unknown_rcpt_parameters_with_555) {
  BOOST_TEST(errorOf(parseRcptTo("TO:<bob@example.com> RRVS=2026-01-01T00:00:00Z", false)) ==
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

// ---- RFC 3461 DSN parameters
// -------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(dsn_parameters)

BOOST_AUTO_TEST_CASE(mail_takes_ret_full_or_hdrs_case_insensitively) {
  BOOST_TEST((parseMailFrom("FROM:<a@example.org> RET=FULL").value().ret == DsnReturn::Full));
  BOOST_TEST((parseMailFrom("FROM:<a@example.org> ret=hdrs").value().ret == DsnReturn::Headers));
  BOOST_TEST((parseMailFrom("FROM:<a@example.org>").value().ret == DsnReturn::Unspecified));
}

BOOST_AUTO_TEST_CASE(a_bad_or_repeated_ret_is_501_naming_ret) {
  for (const auto* arg :
       {"FROM:<a@example.org> RET=BOTH", "FROM:<a@example.org> RET", "FROM:<a@example.org> RET=FULLY"})
    BOOST_TEST(errorOf(parseMailFrom(arg)) == "501 5.5.4 Bad RET parameter syntax\r\n", arg);
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a@example.org> RET=FULL RET=HDRS")) ==
             "501 5.5.4 Duplicate RET parameter\r\n");
}

BOOST_AUTO_TEST_CASE(envid_is_decoded_from_xtext_rfc3461_4_4) {
  const auto p = parseMailFrom("FROM:<a@example.org> ENVID=abc+2B+3D+20x");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().envid.value_or("?") == "abc+= x");
}

BOOST_AUTO_TEST_CASE(envid_of_100_characters_is_taken_and_101_refused) {
  BOOST_TEST(parseMailFrom("FROM:<a@example.org> ENVID=" + std::string(100, 'e')).ok());
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a@example.org> ENVID=" + std::string(101, 'e'))) ==
             "501 5.5.4 Bad ENVID parameter syntax\r\n");
}

BOOST_AUTO_TEST_CASE(a_malformed_envid_is_501_naming_envid) {
  // Lower-case hex, a lone "+", a truncated escape, an encoded control character, no value.
  for (const auto* value : {"ENVID=a+2b", "ENVID=a+", "ENVID=a+2", "ENVID=a+0D+0A", "ENVID"})
    BOOST_TEST(errorOf(parseMailFrom(std::string("FROM:<a@example.org> ") + value)) ==
                   "501 5.5.4 Bad ENVID parameter syntax\r\n",
               value);
  BOOST_TEST(errorOf(parseMailFrom("FROM:<a@example.org> ENVID=a ENVID=b")) ==
             "501 5.5.4 Duplicate ENVID parameter\r\n");
}

BOOST_AUTO_TEST_CASE(the_other_mail_parameters_still_work_beside_dsn) {
  const auto p =
      parseMailFrom("FROM:<a@example.org> SIZE=10 BODY=8BITMIME RET=HDRS ENVID=x AUTH=<> SMTPUTF8");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(*p.value().size == 10u);
  BOOST_TEST((p.value().body == BodyType::EightBitMime));
  BOOST_TEST(p.value().smtputf8);
  BOOST_TEST((p.value().ret == DsnReturn::Headers));
}

BOOST_AUTO_TEST_CASE(notify_takes_never_alone_or_a_list_rfc3461_4_1) {
  BOOST_TEST(parseRcptTo("TO:<b@example.com> NOTIFY=NEVER", false).value().dsn.notify == notify::kNever);
  BOOST_TEST(parseRcptTo("TO:<b@example.com> NOTIFY=success,Delay", false).value().dsn.notify ==
             (notify::kSuccess | notify::kDelay));
  BOOST_TEST(parseRcptTo("TO:<b@example.com> NOTIFY=FAILURE,SUCCESS,DELAY", false).value().dsn.notify ==
             (notify::kSuccess | notify::kFailure | notify::kDelay));
  BOOST_TEST(parseRcptTo("TO:<b@example.com>", false).value().dsn.notify == 0u);
}

BOOST_AUTO_TEST_CASE(a_bad_notify_is_501_naming_notify) {
  for (const auto* value : {"NOTIFY=NEVER,FAILURE", "NOTIFY=SUCCESS,SUCCESS", "NOTIFY=", "NOTIFY",
                            "NOTIFY=SUCCESS,", "NOTIFY=,DELAY", "NOTIFY=ALWAYS", "NOTIFY=DELAY;FAILURE"})
    BOOST_TEST(errorOf(parseRcptTo(std::string("TO:<b@example.com> ") + value, false)) ==
                   (std::string(value) == "NOTIFY=" ? "501 5.5.4 Bad parameter syntax\r\n"
                                                    : "501 5.5.4 Bad NOTIFY parameter syntax\r\n"),
               value);
  BOOST_TEST(errorOf(parseRcptTo("TO:<b@example.com> NOTIFY=DELAY NOTIFY=FAILURE", false)) ==
             "501 5.5.4 Duplicate NOTIFY parameter\r\n");
}

BOOST_AUTO_TEST_CASE(orcpt_rfc822_is_decoded_from_xtext_rfc3461_4_2) {
  const auto p = parseRcptTo("TO:<b@example.com> ORCPT=RFC822;Old+2Bbox@example.net NOTIFY=DELAY", false);
  BOOST_REQUIRE(p.ok());
  BOOST_REQUIRE(p.value().dsn.orcpt.has_value());
  BOOST_TEST(p.value().dsn.orcpt->type == "rfc822");
  BOOST_TEST(p.value().dsn.orcpt->address == "Old+box@example.net");
  BOOST_TEST(p.value().dsn.notify == notify::kDelay);
}

BOOST_AUTO_TEST_CASE(orcpt_utf8_takes_embedded_code_points_and_raw_utf8_only_with_smtputf8_rfc6533) {
  const auto p = parseRcptTo("TO:<b@example.com> ORCPT=utf-8;j\\x{F6}rg@example.net", false);
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p.value().dsn.orcpt->type == "utf-8");
  BOOST_TEST(p.value().dsn.orcpt->address == "j\xc3\xb6rg@example.net");
  BOOST_TEST(errorOf(parseRcptTo("TO:<b@example.com> ORCPT=utf-8;j\xc3\xb6rg@example.net", false)) ==
             "501 5.5.4 Bad ORCPT parameter syntax\r\n");
  const auto raw = parseRcptTo("TO:<b@example.com> ORCPT=utf-8;j\xc3\xb6rg@example.net", true);
  BOOST_REQUIRE(raw.ok());
  BOOST_TEST(raw.value().dsn.orcpt->address == "j\xc3\xb6rg@example.net");
}

BOOST_AUTO_TEST_CASE(a_bad_orcpt_is_501_naming_orcpt) {
  for (const std::string& value : std::vector<std::string>{
           "ORCPT=bob@example.net", "ORCPT=x400;bob", "ORCPT=rfc822;", "ORCPT=rfc822;a+0Ab@example.net",
           "ORCPT=rfc822;a+zz", "ORCPT=utf-8;a\\x{41}b", "ORCPT=utf-8;a\\x{00F6}b", "ORCPT=utf-8;a\\x{f6}",
           "ORCPT=rfc822;" + std::string(494, 'a')})
    BOOST_TEST(errorOf(parseRcptTo("TO:<b@example.com> " + value, false)) ==
                   "501 5.5.4 Bad ORCPT parameter syntax\r\n",
               value);
  BOOST_TEST(parseRcptTo("TO:<b@example.com> ORCPT=rfc822;" + std::string(493, 'a'), false).ok());
  BOOST_TEST(errorOf(parseRcptTo("TO:<b@example.com> ORCPT=rfc822;a ORCPT=rfc822;b", false)) ==
             "501 5.5.4 Duplicate ORCPT parameter\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
