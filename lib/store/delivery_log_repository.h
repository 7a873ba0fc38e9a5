// store::DeliveryLogRepository — the delivery log (db/003_delivery_log.sql): one row per recipient per
// attempt, written by the queue manager, read by `postern queue log` (and later the admin UI), purged
// after queue.delivery_log_retention.
//
// Owns: the SQL for delivery_log. Must not know: the queue's types (app/ adapts), SMTP, HTTP.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace postern::store {

struct DeliveryLogRecord {
  std::int64_t id = 0;  // assigned by insert; ascending in insertion order
  std::chrono::system_clock::time_point at;
  std::string queueId;
  std::string sender;
  std::string recipient;
  std::string outcome;  // delivered | deferred | failed | expired
  std::string remote;
  std::string reply;
};

// A page of the log, newest first. Empty fields do not filter.
struct DeliveryLogQuery {
  std::string queueId;    // exactly this message
  std::string recipient;  // recipients containing this text, ASCII case-insensitive
  std::size_t offset = 0;
  std::size_t limit = 50;  // 0: no limit
};

// Rows per outcome (one row is one recipient's attempt).
struct DeliveryOutcomeCounts {
  std::uint64_t delivered = 0, deferred = 0, failed = 0, expired = 0;
};

class DeliveryLogRepository {
 public:
  explicit DeliveryLogRepository(Database& database) : database_(database) {}

  // All records in one transaction (one attempt's recipients land together). Throws InvalidValue for an
  // unknown outcome, DatabaseError.
  void append(const std::vector<DeliveryLogRecord>& records);
  // Newest first; queueId empty: every message. limit 0: no limit.
  std::vector<DeliveryLogRecord> recent(const std::string& queueId, std::size_t limit);
  std::vector<DeliveryLogRecord> search(const DeliveryLogQuery& query);
  // Attempts at or after `since`, per outcome (uses the index on at).
  DeliveryOutcomeCounts countSince(std::chrono::system_clock::time_point since);
  // The newest row with this outcome, if any.
  std::optional<DeliveryLogRecord> latest(const std::string& outcome);
  // Returns how many rows went.
  std::size_t purgeBefore(std::chrono::system_clock::time_point cutoff);

 private:
  Database& database_;
};

}  // namespace postern::store
