// metrics::ServerMetrics — the metrics a running Postern server exports, with their names, help texts and
// the fixed label values of each family (README "Metrics" lists them for administrators). The modules
// that know a fact report it through their own ports (smtp::SessionEvents, net::ConnectionEvents, ...);
// app/ adapts those ports to the members here. Gauges computed at scrape time (queue depth, certificate
// expiry) are registered by app/ on registry, since their readings come from other modules.
//
// Must not know: the modules that report. Thread-safety: as Registry (members may be updated from any
// thread).
#pragma once

#include <string>
#include <vector>

#include "metrics/registry.h"

namespace postern::metrics {

// The label values of each family: the only values that family will ever have.
namespace labels {
const std::vector<std::string>& listeners();         // submission, submissions, alternate
const std::vector<std::string>& authResults();       // success, failure, error
const std::vector<std::string>& refusalReasons();    // sender_not_owned, header_from, display_name, ...
const std::vector<std::string>& dkimAlgorithms();    // rsa-sha256, ed25519-sha256
const std::vector<std::string>& deliveryOutcomes();  // delivered, deferred, failed, expired
const std::vector<std::string>& results();           // success, failure
const std::vector<std::string>& signInResults();     // success, failure, throttled
const std::vector<std::string>& sendingLimits();     // messages_per_hour, recipients_per_day
}  // namespace labels

struct ServerMetrics {
  explicit ServerMetrics(const std::string& version);
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  Registry registry;
  LabelledCounter& connections;
  LabelledCounter& connectionsRefused;  // over smtp.max_connections or smtp.max_connections_per_ip
  LabelledCounter& tlsHandshakes;
  LabelledCounter& tlsHandshakeFailures;
  LabelledCounter& authAttempts;
  Counter& messagesAccepted;
  LabelledCounter& messagesRefused;
  LabelledCounter& dkimSignatures;
  Counter& dkimFailures;
  LabelledCounter& deliveries;
  Histogram& smarthostReplySeconds;
  LabelledCounter& oauthRefreshes;
  LabelledCounter& adminLogins;
  LabelledCounter& sendingLimitRefusals;  // README "Sending limits"
};

}  // namespace postern::metrics
