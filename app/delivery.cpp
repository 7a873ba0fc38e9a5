#include "app/delivery.h"

#include <algorithm>
#include <utility>

namespace postern::app {

queue::ManagerOptions managerOptions(const config::Config& cfg, const std::string& hostname) {
  queue::ManagerOptions o;
  o.retrySchedule = cfg.queue.retrySchedule;
  o.maxLifetime = cfg.queue.maxLifetime;
  o.delayWarning = cfg.queue.delayWarning;
  o.logRetention = cfg.queue.deliveryLogRetention;
  o.hostname = hostname;
  // A worker holds a smarthost connection for a whole transaction, and each route has its own pool:
  // enough workers that one slow route cannot starve the others.
  o.workers = std::max<std::size_t>(16, cfg.relay.maxConnections);
  return o;
}

namespace {

relay::OutboundMessage outbound(const queue::QueuedMessage& message,
                                const std::vector<std::size_t>& recipients) {
  relay::OutboundMessage out;
  out.sender = message.envelope.sender.str();
  for (const auto i : recipients) out.recipients.push_back(message.envelope.recipients.at(i).address.str());
  out.smtputf8 = message.envelope.smtputf8;
  out.eightBitMime = message.envelope.eightBitMime;
  out.prefix = message.prependedHeaders;
  out.bodyPath = message.bodyPath;
  out.bodySize = message.bodySize;
  // RFC 3461: what the client asked, for a smarthost that offers DSN.
  if (message.envelope.dsnReturn != queue::DsnReturn::Unspecified)
    out.dsnReturn = message.envelope.dsnReturn == queue::DsnReturn::Full ? "FULL" : "HDRS";
  out.envid = message.envelope.envid;
  for (const auto i : recipients) {
    const queue::Recipient& r = message.envelope.recipients.at(i);
    relay::OutboundMessage::RecipientDsn dsn;
    for (const auto& [bit, name] :
         {std::pair{queue::notify::kNever, "NEVER"}, std::pair{queue::notify::kSuccess, "SUCCESS"},
          std::pair{queue::notify::kFailure, "FAILURE"}, std::pair{queue::notify::kDelay, "DELAY"}})
      if (r.notify & bit) dsn.notify += (dsn.notify.empty() ? "" : ",") + std::string(name);
    dsn.orcptType = r.orcptType;
    dsn.orcpt = r.orcpt;
    out.recipientDsn.push_back(std::move(dsn));
  }
  return out;
}

queue::AttemptOutcome outcomeOf(relay::Outcome outcome) {
  switch (outcome) {
    case relay::Outcome::Delivered:
      return queue::AttemptOutcome::Delivered;
    case relay::Outcome::Failed:
      return queue::AttemptOutcome::Failed;
    case relay::Outcome::Deferred:
      return queue::AttemptOutcome::Deferred;
  }
  return queue::AttemptOutcome::Deferred;
}

}  // namespace

queue::AttemptResult RoutedDelivery::deliver(const queue::QueuedMessage& message,
                                             const std::vector<std::size_t>& recipients) {
  const relay::DeliveryReport report = routes_.deliver(outbound(message, recipients));
  queue::AttemptResult result;
  if (report.busy) {
    result.notAttempted = true;
    return result;
  }
  result.remote = report.smarthost;
  result.dsnPassedOn = report.dsnPassedOn;
  for (const auto& r : report.recipients)
    result.recipients.push_back(queue::RecipientAttempt{outcomeOf(r.outcome), r.reply});
  return result;
}

void StoredDeliveryLog::record(const std::vector<queue::DeliveryLogEntry>& entries) {
  std::vector<store::DeliveryLogRecord> records;
  records.reserve(entries.size());
  for (const auto& e : entries)
    records.push_back(
        store::DeliveryLogRecord{0, e.time, e.queueId, e.sender, e.recipient, e.outcome, e.remote, e.reply});
  repository_.append(records);
}

}  // namespace postern::app
