#include "app/metrics_ports.h"

#include <algorithm>

#include "queue/queue_id.h"
#include "tls/certificate_info.h"

namespace postern::app {

namespace {

// An event the label set does not know is a wiring mistake; it is dropped rather than thrown into the
// session or delivery that reported it.
void count(metrics::LabelledCounter& family, std::string_view value) {
  if (metrics::Counter* counter = family.find(value)) counter->inc();
}

double secondsSinceEpoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

void MetricsPorts::authenticated(Auth result) {
  count(m_.authAttempts, result == Auth::Success ? "success" : result == Auth::Failure ? "failure" : "error");
}
void MetricsPorts::messageAccepted() { m_.messagesAccepted.inc(); }
void MetricsPorts::messageRefused(smtp::Refusal reason) {
  count(m_.messagesRefused, smtp::refusalName(reason));
}
void MetricsPorts::messageSigned(std::string_view algorithm) { count(m_.dkimSignatures, algorithm); }
void MetricsPorts::signingFailed() { m_.dkimFailures.inc(); }
void MetricsPorts::connected(net::ListenerKind kind) { count(m_.connections, net::kindName(kind)); }
void MetricsPorts::refused(net::ListenerKind kind) { count(m_.connectionsRefused, net::kindName(kind)); }
void MetricsPorts::tlsHandshake(net::ListenerKind kind, bool succeeded) {
  count(succeeded ? m_.tlsHandshakes : m_.tlsHandshakeFailures, net::kindName(kind));
}
void MetricsPorts::replyReceived(std::chrono::duration<double> waited) {
  m_.smarthostReplySeconds.observe(waited.count());
}
void MetricsPorts::signInEnded(admin::SignInResult::Status status) {
  using Status = admin::SignInResult::Status;
  count(m_.adminLogins, status == Status::Ok          ? "success"
                        : status == Status::Throttled ? "throttled"
                                                      : "failure");
}

void CountingDeliveryLog::record(const std::vector<queue::DeliveryLogEntry>& entries) {
  for (const auto& entry : entries) count(m_.deliveries, entry.outcome);
  next_.record(entries);
}

oauth::Token CountingTokenEndpointClient::request(const oauth::TokenRequest& request,
                                                  const core::Clock& clock) {
  try {
    oauth::Token token = oauth::TokenEndpointClient::request(request, clock);
    count(m_.oauthRefreshes, "success");
    return token;
  } catch (...) {
    count(m_.oauthRefreshes, "failure");
    throw;
  }
}

void registerScrapeGauges(metrics::ServerMetrics& metrics, const ScrapeSources& s) {
  auto& r = metrics.registry;
  // The one standard name without the postern_ prefix: dashboards and the `up`/restart idioms expect it.
  r.gauge("process_start_time_seconds", "When the server process started, in seconds since the epoch.",
          [started = secondsSinceEpoch(s.startedAt)] { return started; });
  const queue::Manager* manager = s.manager;
  const core::Clock* clock = s.clock;
  r.gauge("postern_queue_messages",
          "Messages in the queue (waiting, being delivered, or unreadable), notifications included.",
          [manager] { return static_cast<double>(manager->queued(0, 1).total); });
  r.gauge("postern_queue_oldest_message_age_seconds",
          "Age of the oldest message in the queue (0 when the queue is empty).", [manager, clock] {
            const auto oldest = manager->queued(0, 1);
            if (oldest.ids.empty()) return 0.0;
            const auto arrival = queue::arrivalOf(oldest.ids.front());
            if (!arrival) return 0.0;
            return std::max(0.0, std::chrono::duration<double>(clock->now() - *arrival).count());
          });
  // Read from the file at each scrape, so a renewed certificate shows as soon as it is in place.
  auto expiry = [](std::string file) -> metrics::GaugeReading {
    return [file]() -> std::optional<double> {
      const auto info = tls::readCertificateInfo(file);
      if (!info) return std::nullopt;
      return secondsSinceEpoch(info->notAfter);
    };
  };
  std::vector<std::pair<std::string, metrics::GaugeReading>> certificates{
      {"smtp", expiry(s.smtpCertificate)}};
  if (!s.adminCertificate.empty()) certificates.emplace_back("admin", expiry(s.adminCertificate));
  r.labelledGauge("postern_tls_certificate_expiry_timestamp_seconds",
                  "When the certificate a listener presents expires (notAfter), in seconds since the epoch.",
                  "listener", std::move(certificates));
}

}  // namespace postern::app
