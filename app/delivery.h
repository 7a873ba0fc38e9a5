// Delivery wiring — adapters from the queue's ports (queue::Transport, queue::DeliveryLog) to the relay
// and the store, and the options each takes from the configuration. They live in app/ because only app/
// may know both sides: the queue must not know sockets or SQLite, the relay must not know the spool.
#pragma once

#include <string>

#include "config/config.h"
#include "queue/manager.h"
#include "relay/relay.h"
#include "store/delivery_log_repository.h"

namespace postern::app {

relay::RelayOptions relayOptions(const config::Config& cfg, const std::string& hostname);
queue::ManagerOptions managerOptions(const config::Config& cfg, const std::string& hostname);

// queue::Transport over the relay's pool: the pending recipients of a queued message go to the smarthost.
class RelayTransport final : public queue::Transport {
 public:
  explicit RelayTransport(relay::Relay& relay) : relay_(relay) {}
  queue::AttemptResult deliver(const queue::QueuedMessage& message,
                               const std::vector<std::size_t>& recipients) override;

 private:
  relay::Relay& relay_;
};

// queue::DeliveryLog over the SQLite delivery_log table.
class StoredDeliveryLog final : public queue::DeliveryLog {
 public:
  explicit StoredDeliveryLog(store::DeliveryLogRepository& repository) : repository_(repository) {}
  void record(const std::vector<queue::DeliveryLogEntry>& entries) override;
  void purgeBefore(std::chrono::system_clock::time_point cutoff) override { repository_.purgeBefore(cutoff); }

 private:
  store::DeliveryLogRepository& repository_;
};

}  // namespace postern::app
