// app/metrics_ports: every value a module's port can report lands on a series of the fixed label sets
// (a mapping that missed one would drop it silently), and a delivery or OAuth request is counted once.
#include <boost/test/unit_test.hpp>

#include "app/metrics_ports.h"

using namespace postern;

namespace {

std::uint64_t total(const metrics::LabelledCounter& family) {
  std::uint64_t sum = 0;
  for (const auto& [value, counter] : family.series()) sum += counter->value();
  return sum;
}

struct NullLog final : queue::DeliveryLog {
  std::size_t recorded = 0;
  void record(const std::vector<queue::DeliveryLogEntry>& entries) override { recorded += entries.size(); }
  void purgeBefore(std::chrono::system_clock::time_point) override {}
};

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_ports)

BOOST_AUTO_TEST_CASE(every_refusal_reason_has_its_series) {
  metrics::ServerMetrics m("test");
  app::MetricsPorts ports(m);
  const smtp::Refusal all[] = {
      smtp::Refusal::SenderNotOwned, smtp::Refusal::HeaderFrom, smtp::Refusal::DisplayName,
      smtp::Refusal::TooLarge,       smtp::Refusal::Malformed,  smtp::Refusal::NoDkimKey,
      smtp::Refusal::Storage,        smtp::Refusal::LocalError, smtp::Refusal::SendingLimit};
  for (const auto reason : all) ports.messageRefused(reason);
  for (const auto& [value, counter] : m.messagesRefused.series()) BOOST_TEST(counter->value() == 1u, value);
}

BOOST_AUTO_TEST_CASE(every_listener_auth_result_and_sign_in_status_has_its_series) {
  metrics::ServerMetrics m("test");
  app::MetricsPorts ports(m);
  for (const auto kind :
       {net::ListenerKind::Submission, net::ListenerKind::Submissions, net::ListenerKind::Alternate}) {
    ports.connected(kind);
    ports.refused(kind);
    ports.tlsHandshake(kind, true);
    ports.tlsHandshake(kind, false);
  }
  for (const auto* family :
       {&m.connections, &m.connectionsRefused, &m.tlsHandshakes, &m.tlsHandshakeFailures})
    for (const auto& [value, counter] : family->series()) BOOST_TEST(counter->value() == 1u, value);
  using Auth = smtp::SessionEvents::Auth;
  for (const auto result : {Auth::Success, Auth::Failure, Auth::Error}) ports.authenticated(result);
  for (const auto& [value, counter] : m.authAttempts.series()) BOOST_TEST(counter->value() == 1u, value);
  using Status = admin::SignInResult::Status;
  for (const auto status : {Status::Ok, Status::Refused, Status::Throttled}) ports.signInEnded(status);
  for (const auto& [value, counter] : m.adminLogins.series()) BOOST_TEST(counter->value() == 1u, value);
}

BOOST_AUTO_TEST_CASE(signatures_count_by_algorithm_and_an_unknown_one_is_dropped) {
  metrics::ServerMetrics m("test");
  app::MetricsPorts ports(m);
  ports.messageSigned("ed25519-sha256");
  ports.messageSigned("rsa-sha256");
  ports.messageSigned("rsa-sha1");  // never made by Postern: no series appears for it
  BOOST_TEST(m.dkimSignatures.at("ed25519-sha256").value() == 1u);
  BOOST_TEST(m.dkimSignatures.at("rsa-sha256").value() == 1u);
  BOOST_TEST(total(m.dkimSignatures) == 2u);
  BOOST_TEST(m.registry.render().find("rsa-sha1") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_recipient_outcome_is_counted_and_handed_on) {
  metrics::ServerMetrics m("test");
  NullLog next;
  app::CountingDeliveryLog log(next, m);
  std::vector<queue::DeliveryLogEntry> entries(5);
  entries[0].outcome = "delivered";
  entries[1].outcome = "delivered";
  entries[2].outcome = "deferred";
  entries[3].outcome = "failed";
  entries[4].outcome = "expired";
  log.record(entries);
  BOOST_TEST(next.recorded == 5u);
  BOOST_TEST(m.deliveries.at("delivered").value() == 2u);
  BOOST_TEST(m.deliveries.at("deferred").value() == 1u);
  BOOST_TEST(m.deliveries.at("failed").value() == 1u);
  BOOST_TEST(m.deliveries.at("expired").value() == 1u);
}

BOOST_AUTO_TEST_CASE(smarthost_replies_are_observed_in_seconds) {
  metrics::ServerMetrics m("test");
  app::MetricsPorts ports(m);
  ports.replyReceived(std::chrono::milliseconds(30));
  const auto s = m.smarthostReplySeconds.snapshot();
  BOOST_TEST(s.count == 1u);
  BOOST_TEST(s.sum == 0.03, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
