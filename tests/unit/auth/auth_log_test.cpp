#include <boost/test/unit_test.hpp>

#include <string>

#include "auth/auth_log.h"

using namespace postern::auth;

BOOST_AUTO_TEST_SUITE(auth_log)

BOOST_AUTO_TEST_CASE(a_failure_line_has_its_fields_in_a_fixed_order_and_the_login_quoted) {
  BOOST_TEST(failureLine(AuthFailure{"smtp", "203.0.113.7", "bob@example.org", "PLAIN", "wrong-password"}) ==
             "failure service=smtp client=203.0.113.7 login=\"bob@example.org\" mechanism=PLAIN "
             "reason=wrong-password");
  BOOST_TEST(failureLine(AuthFailure{"smtp", "2001:db8::1", "", "LOGIN", "unknown-user"}) ==
             "failure service=smtp client=2001:db8::1 login=\"\" mechanism=LOGIN reason=unknown-user");
}

BOOST_AUTO_TEST_CASE(a_login_cannot_end_the_line_or_pass_for_another_field) {
  const std::string forged =
      "x\n2026-12-07T15:00:00.000Z Warning auth: failure service=smtp client=192.0.2.1 login=\"y\"";
  const std::string line = failureLine(AuthFailure{"smtp", "203.0.113.7", forged, "PLAIN", "wrong-password"});
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.find('\r') == std::string::npos);
  // Everything up to login= is the server's: the first client= is the real one.
  BOOST_TEST(line.rfind("failure service=smtp client=203.0.113.7 login=\"", 0) == 0);
  // The quote the client sent is escaped, so the value ends only at the server's closing quote.
  BOOST_TEST(line.find("login=\"x\\x0a2026") != std::string::npos);
  BOOST_TEST(line.find("login=\\\"y\\\"\"") != std::string::npos);
  const std::string quoteOut =
      failureLine(AuthFailure{"smtp", "203.0.113.7", "a\" client=6.6.6.6 x=\"", "PLAIN", "r"});
  BOOST_TEST(quoteOut ==
             "failure service=smtp client=203.0.113.7 login=\"a\\\" client=6.6.6.6 x=\\\"\" "
             "mechanism=PLAIN reason=r");
}

BOOST_AUTO_TEST_CASE(server_words_never_hold_a_space_or_an_equals_sign) {
  BOOST_TEST(failureLine(AuthFailure{"smtp", "a b=c", "x", "PL AIN", "wrong password"}) ==
             "failure service=smtp client=a_b_c login=\"x\" mechanism=PL_AIN reason=wrong_password");
  BOOST_TEST(reasonWord("wrong password") == "wrong-password");
}

BOOST_AUTO_TEST_CASE(a_ban_line_names_the_kind_key_count_and_end) {
  Ban ban;
  ban.kind = BanKind::Login;
  ban.key = "alice@example.org";
  ban.count = 2;
  ban.startedAt = postern::core::Clock::TimePoint(std::chrono::seconds(1'800'000'000));
  ban.until = ban.startedAt + std::chrono::hours(1);
  ban.reason = "20 failed logins from 3 addresses in 600 s";
  BOOST_TEST(banStartedLine(ban) ==
             "ban started kind=login key=\"alice@example.org\" count=2 until=2027-01-15T09:00:00Z "
             "reason=\"20 failed logins from 3 addresses in 600 s\"");
}

BOOST_AUTO_TEST_SUITE_END()
