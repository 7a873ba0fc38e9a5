// store::DeliveryLogRepository — the delivery log (db/003_delivery_log.sql): one row per recipient per
// attempt, written by the queue manager, read by `postern queue log` (and later the admin UI), purged
// after queue.delivery_log_retention.
//
// The log is a record for the administrator, not the source of truth (the spool is). So in the server it
// is written in batches (DeliveryLogOptions::batchInterval): append() only queues, and a writer thread
// commits what has gathered in one transaction with synchronous=NORMAL (no flush of its own; the next
// checkpoint or FULL commit makes it durable). A crash may lose the last moments of log, never a message.
// Every read first writes what is queued, so a reader in this process always sees every append made
// before it.
//
// Owns: the SQL for delivery_log, the batch writer thread. Must not know: the queue's types (app/
// adapts), SMTP, HTTP. Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

struct DeliveryLogOptions {
  // 0: append() writes at once, in its own transaction. Otherwise the writer thread commits the queued
  // records at most this long after the first of them arrived.
  std::chrono::milliseconds batchInterval{0};
  // Told about a batch that could not be written (its records are lost); the writer thread calls it.
  std::function<void(const std::string&)> onWriteFailure;
};

class DeliveryLogRepository {
 public:
  explicit DeliveryLogRepository(Database& database, DeliveryLogOptions options = {});
  ~DeliveryLogRepository();  // writes what is still queued
  DeliveryLogRepository(const DeliveryLogRepository&) = delete;
  DeliveryLogRepository& operator=(const DeliveryLogRepository&) = delete;

  // The records land together, in order (one attempt's recipients in one transaction). Throws
  // InvalidValue for an unknown outcome (before queueing anything); DatabaseError when writing at once.
  void append(const std::vector<DeliveryLogRecord>& records);
  // Writes what is queued now. Throws DatabaseError (the batch is then lost).
  void flush();
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
  void write(const std::vector<DeliveryLogRecord>& records);
  void writerLoop();
  void flushBeforeReading();  // flush(), a failure told to onWriteFailure rather than thrown

  Database& database_;
  const DeliveryLogOptions options_;
  std::mutex writeMutex_;  // one batch at a time, so batches land in the order they were queued
  std::mutex queueMutex_;
  std::condition_variable queued_;
  std::vector<DeliveryLogRecord> queue_;
  bool stopping_ = false;
  std::thread writer_;  // only with a batch interval
};

}  // namespace postern::store
