#include "app/delivery.h"

namespace postern::app {

relay::RelayOptions relayOptions(const config::Config& cfg, const std::string& hostname) {
  relay::RelayOptions o;
  for (const auto& host : cfg.relay.smarthosts) o.smarthosts.push_back(relay::Endpoint{host.host, host.port});
  switch (cfg.relay.tls) {
    case config::Config::RelayTls::StartTls: o.tls = relay::TlsMode::StartTls; break;
    case config::Config::RelayTls::Implicit: o.tls = relay::TlsMode::Implicit; break;
    case config::Config::RelayTls::None: o.tls = relay::TlsMode::None; break;
  }
  o.caFile = cfg.relay.caFile;
  o.username = cfg.relay.username;
  o.password = cfg.relay.password;
  o.heloName = hostname;
  o.connectTimeout = cfg.relay.connectTimeout;
  o.commandTimeout = cfg.relay.commandTimeout;
  o.dataTimeout = cfg.relay.dataTimeout;
  o.idleTimeout = cfg.relay.idleTimeout;
  o.maxConnections = cfg.relay.maxConnections;
  return o;
}

queue::ManagerOptions managerOptions(const config::Config& cfg, const std::string& hostname) {
  queue::ManagerOptions o;
  o.retrySchedule = cfg.queue.retrySchedule;
  o.maxLifetime = cfg.queue.maxLifetime;
  o.delayWarning = cfg.queue.delayWarning;
  o.logRetention = cfg.queue.deliveryLogRetention;
  o.hostname = hostname;
  // One worker per smarthost connection: a worker holds its connection for a whole transaction.
  o.workers = cfg.relay.maxConnections;
  return o;
}

queue::AttemptResult RelayTransport::deliver(const queue::QueuedMessage& message,
                                             const std::vector<std::size_t>& recipients) {
  relay::OutboundMessage out;
  out.sender = message.envelope.sender.str();
  for (const auto i : recipients) out.recipients.push_back(message.envelope.recipients.at(i).address.str());
  out.smtputf8 = message.envelope.smtputf8;
  out.eightBitMime = message.envelope.eightBitMime;
  out.prefix = message.prependedHeaders;
  out.bodyPath = message.bodyPath;
  out.bodySize = message.bodySize;

  const relay::DeliveryReport report = relay_.deliver(out);
  queue::AttemptResult result;
  result.remote = report.smarthost;
  for (const auto& r : report.recipients) {
    const auto outcome = r.outcome == relay::Outcome::Delivered ? queue::AttemptOutcome::Delivered
                         : r.outcome == relay::Outcome::Failed  ? queue::AttemptOutcome::Failed
                                                                : queue::AttemptOutcome::Deferred;
    result.recipients.push_back(queue::RecipientAttempt{outcome, r.reply});
  }
  return result;
}

void StoredDeliveryLog::record(const std::vector<queue::DeliveryLogEntry>& entries) {
  std::vector<store::DeliveryLogRecord> records;
  records.reserve(entries.size());
  for (const auto& e : entries)
    records.push_back(store::DeliveryLogRecord{0, e.time, e.queueId, e.sender, e.recipient, e.outcome, e.remote,
                                               e.reply});
  repository_.append(records);
}

}  // namespace postern::app
