#include "metrics/server_metrics.h"

namespace postern::metrics {

namespace labels {

const std::vector<std::string>& listeners() {
  static const std::vector<std::string> values{"submission", "submissions", "alternate"};
  return values;
}

const std::vector<std::string>& authResults() {
  static const std::vector<std::string> values{"success", "failure", "error"};
  return values;
}

const std::vector<std::string>& refusalReasons() {
  // What the session already tells apart (smtp::Refusal): README "Metrics" explains each.
  static const std::vector<std::string> values{"sender_not_owned", "header_from", "display_name",
                                               "too_large",        "malformed",   "no_dkim_key",
                                               "storage",          "local_error", "sending_limit"};
  return values;
}

const std::vector<std::string>& dkimAlgorithms() {
  static const std::vector<std::string> values{"rsa-sha256", "ed25519-sha256"};
  return values;
}

const std::vector<std::string>& deliveryOutcomes() {
  static const std::vector<std::string> values{"delivered", "deferred", "failed", "expired"};
  return values;
}

const std::vector<std::string>& results() {
  static const std::vector<std::string> values{"success", "failure"};
  return values;
}

const std::vector<std::string>& sendingLimits() {
  static const std::vector<std::string> values{"messages_per_hour", "recipients_per_day"};
  return values;
}

const std::vector<std::string>& signInResults() {
  static const std::vector<std::string> values{"success", "failure", "throttled"};
  return values;
}

}  // namespace labels

namespace {

// The first member initialised: a constant gauge of value 1 whose label carries the version, the usual way
// to export build facts (and a series that exists as soon as Postern answers a scrape).
Registry& withBuildInfo(Registry& registry, const std::string& version) {
  registry.labelledGauge("postern_build_info", "Postern's version, as a label; the value is always 1.",
                         "version", {{version, [] { return 1.0; }}});
  return registry;
}

}  // namespace

ServerMetrics::ServerMetrics(const std::string& version)
    : connections(withBuildInfo(registry, version)
                      .labelledCounter("postern_smtp_connections_total",
                                       "SMTP connections accepted, by listener.", "listener",
                                       labels::listeners())),
      connectionsRefused(registry.labelledCounter(
          "postern_smtp_connections_refused_total",
          "SMTP connections refused at once because smtp.max_connections or smtp.max_connections_per_ip "
          "was reached, by listener.",
          "listener", labels::listeners())),
      tlsHandshakes(registry.labelledCounter("postern_tls_handshakes_total",
                                             "TLS handshakes completed on the SMTP listeners (implicit TLS "
                                             "and STARTTLS), by listener.",
                                             "listener", labels::listeners())),
      tlsHandshakeFailures(registry.labelledCounter("postern_tls_handshake_failures_total",
                                                    "TLS handshakes that failed or timed out on the SMTP "
                                                    "listeners, by listener.",
                                                    "listener", labels::listeners())),
      authAttempts(registry.labelledCounter(
          "postern_smtp_auth_total",
          "SMTP AUTH attempts that ended: success, failure (wrong password, unknown or disabled user) or "
          "error (the user store failed; the client was told to try again).",
          "result", labels::authResults())),
      messagesAccepted(registry.counter("postern_messages_accepted_total",
                                        "Messages accepted and queued (250 after DATA).")),
      messagesRefused(
          registry.labelledCounter("postern_messages_refused_total",
                                   "Mail transactions refused at MAIL FROM or at the end of DATA, by reason.",
                                   "reason", labels::refusalReasons())),
      dkimSignatures(registry.labelledCounter("postern_dkim_signatures_total",
                                              "DKIM signatures added to accepted messages, by algorithm.",
                                              "algorithm", labels::dkimAlgorithms())),
      dkimFailures(registry.counter(
          "postern_dkim_failures_total",
          "Messages refused with 451 because a DKIM signature could not be made (the client retries).")),
      deliveries(registry.labelledCounter(
          "postern_deliveries_total",
          "Delivery attempts per recipient, by outcome: delivered, deferred (will be retried), failed "
          "(bounced), expired (gave up after queue.max_lifetime).",
          "outcome", labels::deliveryOutcomes())),
      smarthostReplySeconds(
          registry.histogram("postern_smarthost_reply_duration_seconds",
                             "Time from sending a command (or connecting) to the smarthost's complete reply.",
                             defaultLatencyBuckets())),
      oauthRefreshes(registry.labelledCounter("postern_oauth_token_refreshes_total",
                                              "OAuth access token requests to a token endpoint, by result.",
                                              "result", labels::results())),
      adminLogins(registry.labelledCounter("postern_admin_logins_total",
                                           "Sign-ins to the web admin, by result (throttled: refused "
                                           "unchecked after too many failures).",
                                           "result", labels::signInResults())),
      sendingLimitRefusals(registry.labelledCounter(
          "postern_sending_limit_refusals_total",
          "SMTP commands refused with 451 4.7.1 because the user reached a sending limit: MAIL FROM over "
          "messages_per_hour, or RCPT TO over recipients_per_day.",
          "limit", labels::sendingLimits())) {}

}  // namespace postern::metrics
