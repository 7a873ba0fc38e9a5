// Session: greeting, EHLO/HELO, TLS requirements, STARTTLS, simple commands, line rules, cross-protocol
// detection, error limits and timeouts.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMustTls = "530 5.7.0 Must issue a STARTTLS command first\r\n";
}

BOOST_AUTO_TEST_SUITE(session_connection)

BOOST_AUTO_TEST_CASE(greets_with_hostname) {
  Harness h;
  h.open();
  BOOST_TEST(h.output.lastText() == "220 mx.example.net ESMTP Postern\r\n");
}

BOOST_AUTO_TEST_CASE(ehlo_before_tls_offers_starttls_and_no_auth) {
  Harness h;
  BOOST_TEST(h.line("EHLO client.example") ==
             "250-mx.example.net\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
             "250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250-DSN\r\n250 STARTTLS\r\n");
}

BOOST_AUTO_TEST_CASE(ehlo_after_tls_offers_auth_and_no_starttls) {
  Harness h;
  h.tlsReady();
  const auto& lines = h.output.last().lines;
  BOOST_TEST(lines.back() == "AUTH PLAIN LOGIN");
  BOOST_TEST((std::find(lines.begin(), lines.end(), "STARTTLS") == lines.end()));
}

BOOST_AUTO_TEST_CASE(helo_gives_one_line_without_extensions) {
  Harness h;
  BOOST_TEST(h.line("HELO client.example") == "250 mx.example.net\r\n");
}

BOOST_AUTO_TEST_CASE(ehlo_and_helo_need_an_argument) {
  Harness h;
  BOOST_TEST(h.line("EHLO") == "501 5.5.4 Syntax: EHLO hostname\r\n");
  BOOST_TEST(h.line("HELO   ") == "501 5.5.4 Syntax: HELO hostname\r\n");
}

BOOST_AUTO_TEST_CASE(the_ehlo_argument_must_be_a_domain_or_an_address_literal_rfc5321_4_1_1_1) {
  const std::string invalid =
      "501 5.5.4 Invalid hostname: a domain name or an address literal is required\r\n";
  for (const char* name :
       {"evil\x1b[2J.example", "my laptop", "x (192.0.2.99)", "a;b", "<x@y>", "-x.example", "a..b", "1.2.3",
        "a\xe2\x80\xa8"
        "b.example"}) {
    Harness h;
    BOOST_TEST(h.line(std::string("EHLO ") + name) == invalid, name);
    BOOST_TEST(h.line(std::string("HELO ") + name) == invalid, name);
  }
}

BOOST_AUTO_TEST_CASE(office_device_names_are_accepted_as_postfix_does) {
  for (const char* name : {"my_printer", "DESKTOP-7F3K_2.office.example", "[192.0.2.1]", "[IPv6:2001:db8::1]",
                           "192.0.2.1", "laptop.example.",
                           "b\xc3\xbc"
                           "cher.example"}) {
    Harness h;
    BOOST_TEST(h.line(std::string("EHLO ") + name).substr(0, 4) == "250-", name);
    BOOST_TEST(h.line(std::string("HELO ") + name) == "250 mx.example.net\r\n", name);
  }
}

BOOST_AUTO_TEST_CASE(a_refused_ehlo_changes_nothing) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.line("EHLO bad name").substr(0, 4) == "501 ");
  BOOST_TEST(h.session->inTransaction());
  BOOST_TEST(h.line("RCPT TO:<second@example.com>") == "250 2.1.5 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(verbs_are_case_insensitive) {
  Harness h;
  BOOST_TEST(h.line("ehLo client.example").substr(0, 4) == "250-");
  BOOST_TEST(h.line("nOoP") == "250 2.0.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(auth_mail_rcpt_data_need_tls_first_rfc3207) {
  Harness h;
  h.line("EHLO client.example");
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) == kMustTls);
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == kMustTls);
  BOOST_TEST(h.line("RCPT TO:<bob@example.com>") == kMustTls);
  BOOST_TEST(h.line("DATA") == kMustTls);
}

BOOST_AUTO_TEST_CASE(starttls_answers_220_and_asks_the_connection_for_the_handshake) {
  Harness h;
  h.line("EHLO client.example");
  BOOST_TEST(h.line("STARTTLS") == "220 2.0.0 Ready to start TLS\r\n");
  BOOST_TEST(h.output.startTlsCalls == 1);
}

BOOST_AUTO_TEST_CASE(starttls_with_arguments_is_a_syntax_error) {
  Harness h;
  BOOST_TEST(h.line("STARTTLS now") == "501 5.5.4 Syntax: STARTTLS\r\n");
  BOOST_TEST(h.output.startTlsCalls == 0);
}

BOOST_AUTO_TEST_CASE(starttls_when_tls_is_active_is_out_of_sequence) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("STARTTLS") == "503 5.5.1 TLS already active\r\n");
}

BOOST_AUTO_TEST_CASE(discards_plaintext_pipelined_after_starttls_cve_2011_0411) {
  Harness h;
  h.line("EHLO client.example");
  BOOST_TEST(h.send("STARTTLS\r\nMAIL FROM:<alice@example.org>\r\n") == "220 2.0.0 Ready to start TLS\r\n");
  BOOST_TEST(h.send("RCPT TO:<x@example.com>\r\n").empty());
  BOOST_TEST(h.output.logged("starttls", "discarded 31 bytes"));
  BOOST_TEST(h.output.logged("starttls", "discarded 25 bytes"));
  h.session->tlsStarted(testTls());
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "503 5.5.1 Send EHLO first\r\n");
}

BOOST_AUTO_TEST_CASE(tls_start_forgets_the_plaintext_session_rfc3207_4_2) {
  Harness h;
  h.line("EHLO client.example");
  h.line("STARTTLS");
  h.session->tlsStarted(testTls());
  BOOST_TEST(h.authenticator.tlsBits == std::vector<unsigned>{256});
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) == "503 5.5.1 Send EHLO first\r\n");
}

BOOST_AUTO_TEST_CASE(implicit_tls_starts_with_tls_and_never_offers_starttls) {
  Harness h;
  h.connection.implicitTls = true;
  h.connection.tls = testTls();
  h.open();
  BOOST_TEST(h.authenticator.tlsBits == std::vector<unsigned>{256});
  h.line("EHLO client.example");
  BOOST_TEST(h.output.last().lines.back() == "AUTH PLAIN LOGIN");
  BOOST_TEST(h.line("STARTTLS") == "503 5.5.1 TLS already active\r\n");
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) ==
             "235 2.7.0 Authentication successful\r\n");
}

BOOST_AUTO_TEST_CASE(mail_before_ehlo_is_out_of_sequence) {
  Harness h;
  h.line("EHLO client.example");
  h.line("STARTTLS");
  h.session->tlsStarted(testTls());
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "503 5.5.1 Send EHLO first\r\n");
}

BOOST_AUTO_TEST_CASE(simple_commands_answer_as_specified) {
  Harness h;
  BOOST_TEST(h.line("NOOP anything") == "250 2.0.0 Ok\r\n");
  BOOST_TEST(h.line("RSET") == "250 2.0.0 Ok\r\n");
  BOOST_TEST(h.line("VRFY alice") ==
             "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery\r\n");
  BOOST_TEST(h.line("EXPN staff") == "502 5.5.1 EXPN not supported\r\n");
  BOOST_TEST(h.line("HELP") == "214 2.0.0 https://www.rfc-editor.org/rfc/rfc5321\r\n");
}

BOOST_AUTO_TEST_CASE(vrfy_does_not_tell_known_from_unknown_users) {
  Harness h;
  BOOST_TEST(h.line("VRFY alice") == h.line("VRFY nobody-here"));
}

BOOST_AUTO_TEST_CASE(quit_says_bye_and_closes) {
  Harness h;
  BOOST_TEST(h.line("QUIT") == "221 2.0.0 Bye\r\n");
  BOOST_TEST(h.output.last().close);
  BOOST_TEST(h.session->closed());
}

BOOST_AUTO_TEST_CASE(ignores_input_after_a_closing_reply) {
  Harness h;
  BOOST_TEST(h.send("QUIT\r\nNOOP\r\n") == "221 2.0.0 Bye\r\n");
  BOOST_TEST(h.line("NOOP").empty());
}

BOOST_AUTO_TEST_CASE(unknown_verbs_are_unrecognized) {
  Harness h;
  BOOST_TEST(h.line("TURN") == "500 5.5.1 Command unrecognized\r\n");
  BOOST_TEST(h.line("") == "500 5.5.1 Command unrecognized\r\n");
}

BOOST_AUTO_TEST_CASE(bare_lf_in_a_command_is_refused_and_recovers_at_the_lf) {
  Harness h;
  BOOST_TEST(h.send("NOOP\nNOOP\r\n") == "500 5.5.2 Bare CR or LF not allowed\r\n250 2.0.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(bare_cr_in_a_command_is_refused) {
  Harness h;
  BOOST_TEST(h.send("NO\rOP\r\n") == "500 5.5.2 Bare CR or LF not allowed\r\n");
}

BOOST_AUTO_TEST_CASE(nul_in_a_command_is_refused) {
  Harness h;
  BOOST_TEST(h.send(std::string("NOOP\0\r\n", 7)) == "500 5.5.2 NUL character not allowed\r\n");
}

BOOST_AUTO_TEST_CASE(command_lines_over_the_limit_are_refused) {
  Harness h;
  BOOST_TEST(h.line("NOOP " + std::string(505, 'x')) == "250 2.0.0 Ok\r\n");  // 512 with CRLF
  BOOST_TEST(h.send("NOOP " + std::string(506, 'x') + "\r\nNOOP\r\n") ==
             "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(a_tls_client_hello_on_the_plaintext_port_is_refused) {
  Harness h;
  BOOST_TEST(h.send(std::string("\x16\x03\x01\x02\x00\x01", 6)) ==
             "554 5.5.1 TLS handshake on a plaintext port: use port 465 or STARTTLS\r\n");
  BOOST_TEST(h.session->closed());
}

BOOST_AUTO_TEST_CASE(a_client_hello_split_after_its_first_byte_is_still_recognised) {
  Harness h;
  BOOST_TEST(h.send("\x16").empty());
  BOOST_TEST(h.send("\x03\x01").substr(0, 3) == "554");
}

BOOST_AUTO_TEST_CASE(http_requests_are_refused_and_closed) {
  for (const auto* request :
       {"GET / HTTP/1.1", "POST /x HTTP/1.0", "CONNECT mx:25 HTTP/1.1", "options * HTTP/1.1"}) {
    Harness h;
    BOOST_TEST(h.line(request) == "554 5.5.1 Not an SMTP client\r\n", request);
    BOOST_TEST(h.session->closed());
  }
}

BOOST_AUTO_TEST_CASE(closes_after_too_many_consecutive_protocol_errors) {
  Harness h;
  for (int i = 0; i < 4; ++i) h.line("BOGUS");
  BOOST_TEST(h.line("BOGUS") == "500 5.5.1 Command unrecognized\r\n421 4.7.0 Too many errors\r\n");
  BOOST_TEST(h.session->closed());
}

BOOST_AUTO_TEST_CASE(a_successful_command_resets_the_error_count) {
  Harness h;
  for (int i = 0; i < 4; ++i) h.line("BOGUS");
  h.line("NOOP");
  for (int i = 0; i < 4; ++i) h.line("BOGUS");
  BOOST_TEST(!h.session->closed());
}

BOOST_AUTO_TEST_CASE(timeout_answers_421_and_closes) {
  Harness h;
  h.open();
  h.session->timedOut();
  BOOST_TEST(h.output.lastText() == "421 4.4.2 mx.example.net Error: timeout exceeded\r\n");
  BOOST_TEST(h.session->closed());
}

BOOST_AUTO_TEST_CASE(shutdown_answers_421_and_closes) {
  Harness h;
  h.open();
  h.session->shutdown();
  BOOST_TEST(h.output.lastText() == "421 4.3.2 Service shutting down\r\n");
  BOOST_TEST(h.output.last().close);
}

BOOST_AUTO_TEST_CASE(read_timeout_depends_on_the_phase) {
  Harness h;
  h.config.preAuthTimeout = std::chrono::seconds(10);
  h.config.commandTimeout = std::chrono::seconds(20);
  h.config.dataTimeout = std::chrono::seconds(30);
  h.open();
  BOOST_TEST(h.session->readTimeout().count() == 10);
  h.inTransaction();
  BOOST_TEST(h.session->readTimeout().count() == 20);
  h.line("DATA");
  BOOST_TEST(h.session->readTimeout().count() == 30);
}

BOOST_AUTO_TEST_CASE(logs_every_state_change_with_old_and_new) {
  Harness h;
  h.line("EHLO client.example");
  BOOST_TEST(h.output.logged("state", "Fresh -> Greeted"));
}

BOOST_AUTO_TEST_CASE(logs_improper_pipelining_after_a_group_ending_command) {
  Harness h;
  h.send("EHLO client.example\r\nNOOP\r\n");
  BOOST_TEST(h.output.logged("pipelining", "after EHLO"));
}

BOOST_AUTO_TEST_SUITE_END()
