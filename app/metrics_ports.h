// The metrics' wiring: each module's reporting port (smtp::SessionEvents, net::ConnectionEvents,
// relay::RelayEvents, admin::SignInEvents, and decorators of queue::DeliveryLog and
// oauth::TokenEndpointClient) adapted to metrics::ServerMetrics, and the gauges read at scrape time (queue
// depth and oldest message, certificate expiry, process start). Mapping only: the facts are decided where
// they happen, the names and label sets are metrics::ServerMetrics'.
// Thread-safety: every adapter may be called from any thread (the counters are atomics).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "admin/admin_sign_in.h"
#include "metrics/server_metrics.h"
#include "net/smtp_server.h"
#include "oauth/token_endpoint_client.h"
#include "queue/manager.h"
#include "relay/relay.h"
#include "smtp/ports.h"

namespace postern::app {

class MetricsPorts final : public smtp::SessionEvents,
                           public net::ConnectionEvents,
                           public relay::RelayEvents,
                           public admin::SignInEvents {
 public:
  explicit MetricsPorts(metrics::ServerMetrics& metrics) : m_(metrics) {}

  // smtp::SessionEvents
  void authenticated(Auth result) override;
  void messageAccepted() override;
  void messageRefused(smtp::Refusal reason) override;
  void messageSigned(std::string_view algorithm) override;
  void signingFailed() override;
  // net::ConnectionEvents
  void connected(net::ListenerKind kind) override;
  void refused(net::ListenerKind kind) override;
  void tlsHandshake(net::ListenerKind kind, bool succeeded) override;
  // relay::RelayEvents
  void replyReceived(std::chrono::duration<double> waited) override;
  // admin::SignInEvents
  void signInEnded(admin::SignInResult::Status status) override;

 private:
  metrics::ServerMetrics& m_;
};

// queue::DeliveryLog that counts every recipient's outcome, then hands the entries on.
class CountingDeliveryLog final : public queue::DeliveryLog {
 public:
  CountingDeliveryLog(queue::DeliveryLog& next, metrics::ServerMetrics& metrics) : next_(next), m_(metrics) {}
  void record(const std::vector<queue::DeliveryLogEntry>& entries) override;
  void purgeBefore(std::chrono::system_clock::time_point cutoff) override { next_.purgeBefore(cutoff); }

 private:
  queue::DeliveryLog& next_;
  metrics::ServerMetrics& m_;
};

// The token endpoint client that counts each request's result.
class CountingTokenEndpointClient final : public oauth::TokenEndpointClient {
 public:
  explicit CountingTokenEndpointClient(metrics::ServerMetrics& metrics) : m_(metrics) {}
  oauth::Token request(const oauth::TokenRequest& request, const core::Clock& clock) override;

 private:
  metrics::ServerMetrics& m_;
};

struct ScrapeSources {
  const queue::Manager* manager = nullptr;
  const core::Clock* clock = nullptr;
  std::string smtpCertificate;   // PEM file the SMTP listeners present
  std::string adminCertificate;  // PEM file the admin listener presents; empty: no admin listener
  std::chrono::system_clock::time_point startedAt;
};

// Registers the gauges read at scrape time on metrics.registry. The sources must outlive every scrape.
void registerScrapeGauges(metrics::ServerMetrics& metrics, const ScrapeSources& sources);

}  // namespace postern::app
