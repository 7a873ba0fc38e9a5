#include "app/delivery.h"

#include <algorithm>

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

void StoredDeliveryLog::record(const std::vector<queue::DeliveryLogEntry>& entries) {
  std::vector<store::DeliveryLogRecord> records;
  records.reserve(entries.size());
  for (const auto& e : entries)
    records.push_back(store::DeliveryLogRecord{0, e.time, e.queueId, e.sender, e.recipient, e.outcome, e.remote,
                                               e.reply});
  repository_.append(records);
}

}  // namespace postern::app
