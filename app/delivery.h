// Delivery wiring — the queue's DeliveryLog port over the store, and the manager's options from the
// configuration. (Its Transport port is app/routes.h.) They live in app/ because only app/ may know both
// sides: the queue must not know sockets or SQLite.
#pragma once

#include <string>

#include "config/config.h"
#include "queue/manager.h"
#include "store/delivery_log_repository.h"

namespace postern::app {

queue::ManagerOptions managerOptions(const config::Config& cfg, const std::string& hostname);

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
