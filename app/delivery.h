// Delivery wiring — the queue's Transport port over relay::RoutedTransport, its DeliveryLog port over the
// store, and the manager's options from the configuration. They live in app/ because only app/ may know
// both sides: the queue must not know sockets or SQLite, the relay not the queue. Mapping only; the rules
// are in relay::RoutedTransport and queue::Manager.
#pragma once

#include <string>

#include "config/config.h"
#include "queue/manager.h"
#include "relay/routed_transport.h"
#include "store/delivery_log_repository.h"

namespace postern::app {

queue::ManagerOptions managerOptions(const config::Config& cfg, const std::string& hostname);

// queue::Transport over the routes: a queued message becomes a relay::OutboundMessage, the report an
// AttemptResult (report.busy: notAttempted, so the message is put back without counting an attempt).
// Thread-safe as RoutedTransport is.
class RoutedDelivery final : public queue::Transport {
 public:
  explicit RoutedDelivery(relay::RoutedTransport& routes) : routes_(routes) {}
  queue::AttemptResult deliver(const queue::QueuedMessage& message,
                               const std::vector<std::size_t>& recipients) override;
  bool available() override { return routes_.available(); }
  std::vector<std::string> routeNames() { return routes_.routeNames(); }  // for the start-up log
  void stop() { routes_.stop(); }

 private:
  relay::RoutedTransport& routes_;
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
