// tls::TicketKeyRing: which key seals new session tickets, which keys still open them, when keys are
// erased, and real TLS 1.2 / 1.3 resumption through the ring under a fake clock.
#include <boost/test/unit_test.hpp>

#include "handshake_pair.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "tls/server_context.h"
#include "tls/ticket_key_ring.h"

using namespace postern;
using namespace std::chrono_literals;
using Standing = tls::TicketKeyRing::Standing;

namespace {

struct RingFixture {
  test::FakeClock clock;
  std::shared_ptr<tls::TicketKeyRing> ring = std::make_shared<tls::TicketKeyRing>(clock, 12h);
};

Poco::Net::Context::Ptr serverContext(const std::string& dir, const std::string& host,
                                      std::shared_ptr<tls::TicketKeyRing> ring) {
  const auto files = tls::ensureSelfSigned(dir, host);
  tls::ServerPolicy policy;
  policy.certificateFile = files.certificateFile;
  policy.privateKeyFile = files.privateKeyFile;
  policy.ticketKeys = std::move(ring);
  return tls::makeServerContext(policy);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ticket_key_ring)

BOOST_FIXTURE_TEST_CASE(no_key_exists_before_the_first_ticket, RingFixture) {
  BOOST_TEST(ring->size() == 0u);
}

BOOST_FIXTURE_TEST_CASE(one_key_seals_every_ticket_for_a_whole_period, RingFixture) {
  const auto first = ring->currentName();
  clock.advance(12h - 1s);
  BOOST_TEST((ring->currentName() == first));
  BOOST_TEST((ring->standing(first) == Standing::Current));
  BOOST_TEST(ring->size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(after_a_period_a_new_key_seals_and_the_old_one_still_opens_for_renewal, RingFixture) {
  const auto first = ring->currentName();
  clock.advance(12h);
  const auto second = ring->currentName();
  BOOST_TEST((second != first));
  BOOST_TEST((ring->standing(first) == Standing::Previous));
  BOOST_TEST((ring->standing(second) == Standing::Current));
  BOOST_TEST(ring->size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_key_is_erased_two_periods_after_it_was_made, RingFixture) {
  const auto first = ring->currentName();
  clock.advance(12h);
  const auto second = ring->currentName();
  clock.advance(12h);
  BOOST_TEST((ring->standing(first) == Standing::Unknown));
  BOOST_TEST((ring->standing(second) == Standing::Previous));
  const auto third = ring->currentName();
  BOOST_TEST((third != second));
  BOOST_TEST(ring->size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(after_a_long_quiet_time_no_old_key_survives, RingFixture) {
  const auto first = ring->currentName();
  clock.advance(24h * 10);
  BOOST_TEST((ring->standing(first) == Standing::Unknown));
  BOOST_TEST(ring->size() == 0u);
  ring->currentName();
  BOOST_TEST(ring->size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_ring_never_holds_more_than_two_keys_even_if_the_clock_goes_back, RingFixture) {
  ring->currentName();
  clock.advance(12h);
  ring->currentName();
  clock.advance(-20h);
  ring->currentName();
  BOOST_TEST(ring->size() <= 2u);
}

BOOST_AUTO_TEST_CASE(a_rotation_of_zero_is_refused) {
  test::FakeClock clock;
  BOOST_CHECK_THROW(tls::TicketKeyRing(clock, 0s), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_resumption)

BOOST_FIXTURE_TEST_CASE(a_returning_client_resumes_within_the_period_with_tls_1_2_and_1_3, RingFixture) {
  test::TempDir dir;
  const auto server = serverContext(dir.path().string(), "mail.example.org", ring);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto client = test::makeTestClientContext(version);
    auto first = test::runHandshake(client.get(), server->sslContext());
    BOOST_TEST(!first.reused);
    clock.advance(1h);
    const auto second = test::runHandshake(client.get(), server->sslContext(), first.session.get());
    BOOST_TEST(second.reused, "version " << version);
  }
}

BOOST_FIXTURE_TEST_CASE(a_ticket_of_the_previous_period_resumes_and_the_client_gets_a_fresh_one,
                        RingFixture) {
  test::TempDir dir;
  const auto server = serverContext(dir.path().string(), "mail.example.org", ring);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto client = test::makeTestClientContext(version);
    const auto first = test::runHandshake(client.get(), server->sslContext());
    clock.advance(12h + 1min);  // the key of that ticket is now the previous one
    const auto second = test::runHandshake(client.get(), server->sslContext(), first.session.get());
    BOOST_TEST(second.reused, "version " << version);
    clock.advance(12h);  // the first key is gone, the renewed ticket's key is the previous one now
    const auto third = test::runHandshake(client.get(), server->sslContext(), second.session.get());
    BOOST_TEST(third.reused, "version " << version);
  }
}

BOOST_FIXTURE_TEST_CASE(a_ticket_from_before_the_rotation_window_does_not_resume, RingFixture) {
  test::TempDir dir;
  const auto server = serverContext(dir.path().string(), "mail.example.org", ring);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto client = test::makeTestClientContext(version);
    const auto first = test::runHandshake(client.get(), server->sslContext());
    // Within OpenSSL's session lifetime (set from the rotation), so only the erased key refuses it: the
    // session timeout is measured with the real clock, the ring with the fake one.
    clock.advance(24h + 1min);
    const auto second = test::runHandshake(client.get(), server->sslContext(), first.session.get());
    BOOST_TEST(!second.reused, "version " << version);
  }
}

BOOST_FIXTURE_TEST_CASE(a_ticket_resumes_on_a_context_built_later_from_another_certificate, RingFixture) {
  test::TempDir dir;
  const auto before = serverContext(dir.path().string() + "/a", "old.example.org", ring);
  const auto after = serverContext(dir.path().string() + "/b", "new.example.org", ring);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto client = test::makeTestClientContext(version);
    const auto first = test::runHandshake(client.get(), before->sslContext());
    const auto second = test::runHandshake(client.get(), after->sslContext(), first.session.get());
    BOOST_TEST(second.reused, "version " << version);
  }
}

BOOST_AUTO_TEST_CASE(with_session_tickets_off_nobody_resumes) {
  test::TempDir dir;
  const auto files = tls::ensureSelfSigned(dir.path().string(), "mail.example.org");
  tls::ServerPolicy policy;
  policy.certificateFile = files.certificateFile;
  policy.privateKeyFile = files.privateKeyFile;
  policy.sessionTickets = false;
  const auto server = tls::makeServerContext(policy);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto client = test::makeTestClientContext(version);
    const auto first = test::runHandshake(client.get(), server->sslContext());
    const auto second = test::runHandshake(client.get(), server->sslContext(), first.session.get());
    BOOST_TEST(!second.reused, "version " << version);
  }
}

BOOST_AUTO_TEST_SUITE_END()
