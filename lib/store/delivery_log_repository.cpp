#include "store/delivery_log_repository.h"

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

DeliveryLogRepository::DeliveryLogRepository(Database& database, DeliveryLogOptions options)
    : database_(database), options_(std::move(options)) {
  if (options_.batchInterval.count() > 0) writer_ = std::thread([this] { writerLoop(); });
}

DeliveryLogRepository::~DeliveryLogRepository() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(queueMutex_);
      stopping_ = true;
    }
    queued_.notify_all();
    writer_.join();
  }
}

void DeliveryLogRepository::append(const std::vector<DeliveryLogRecord>& records) {
  if (records.empty()) return;
  for (const auto& r : records) {
    if (r.outcome != "delivered" && r.outcome != "deferred" && r.outcome != "failed" &&
        r.outcome != "expired")
      throw InvalidValue("delivery log: unknown outcome '" + r.outcome + "'");
  }
  if (!writer_.joinable()) {
    std::lock_guard lock(writeMutex_);
    write(records);
    return;
  }
  std::lock_guard lock(queueMutex_);
  const bool first = queue_.empty();
  queue_.insert(queue_.end(), records.begin(), records.end());
  if (first) queued_.notify_one();
}

void DeliveryLogRepository::flush() {
  std::lock_guard writing(writeMutex_);
  std::vector<DeliveryLogRecord> batch;
  {
    std::lock_guard lock(queueMutex_);
    batch.swap(queue_);
  }
  if (!batch.empty()) write(batch);
}

void DeliveryLogRepository::flushBeforeReading() {
  if (!writer_.joinable()) return;
  try {
    flush();
  } catch (const std::exception& e) {
    // A log that cannot be written must not stop it being read.
    if (options_.onWriteFailure) options_.onWriteFailure(e.what());
  }
}

void DeliveryLogRepository::writerLoop() {
  std::unique_lock lock(queueMutex_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Let a batch gather; stopping cuts the wait short, and what is queued is still written.
    queued_.wait_for(lock, options_.batchInterval, [this] { return stopping_; });
    const bool stop = stopping_;
    lock.unlock();
    try {
      flush();
    } catch (const std::exception& e) {
      if (options_.onWriteFailure) options_.onWriteFailure(e.what());
    }
    lock.lock();
    if (stop && queue_.empty()) return;
  }
}

void DeliveryLogRepository::write(const std::vector<DeliveryLogRecord>& records) {
  auto connection = database_.acquire();
  // No flush for the log's own commits (see the header); the connection goes back to the pool as it came.
  connection->exec("PRAGMA synchronous=NORMAL");
  struct Restore {
    Connection& connection;
    ~Restore() {
      try {
        connection.exec("PRAGMA synchronous=FULL");
      } catch (...) {
      }
    }
  } restore{*connection};
  Transaction transaction(*connection);
  Statement insert = connection->prepare(
      "INSERT INTO delivery_log (at, queue_id, sender, recipient, outcome, remote, reply) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& r : records) {
    try {
      insert.reset();
      insert.bindInt64(1, toUnix(r.at))
          .bindText(2, r.queueId)
          .bindText(3, r.sender)
          .bindText(4, r.recipient)
          .bindText(5, r.outcome)
          .bindText(6, r.remote)
          .bindText(7, r.reply)
          .run();
    } catch (const ConstraintViolation&) {
      throw InvalidValue("delivery log: unknown outcome '" + r.outcome + "'");
    }
  }
  transaction.commit();
}

namespace {

constexpr const char* kColumns =
    "SELECT id, at, queue_id, sender, recipient, outcome, remote, reply FROM delivery_log ";

DeliveryLogRecord rowOf(Statement& select) {
  DeliveryLogRecord r;
  r.id = select.columnInt64(0);
  r.at = fromUnix(select.columnInt64(1));
  r.queueId = select.columnText(2);
  r.sender = select.columnText(3);
  r.recipient = select.columnText(4);
  r.outcome = select.columnText(5);
  r.remote = select.columnText(6);
  r.reply = select.columnText(7);
  return r;
}

std::int64_t sqlLimit(std::size_t limit) { return limit == 0 ? -1 : static_cast<std::int64_t>(limit); }

}  // namespace

std::vector<DeliveryLogRecord> DeliveryLogRepository::recent(const std::string& queueId, std::size_t limit) {
  return search(DeliveryLogQuery{queueId, "", 0, limit});
}

std::vector<DeliveryLogRecord> DeliveryLogRepository::search(const DeliveryLogQuery& query) {
  flushBeforeReading();
  auto connection = database_.acquire();
  // instr() on lower(): a plain substring test, so % and _ in the filter are ordinary characters.
  Statement select = connection->prepare(
      std::string(kColumns) +
      "WHERE (?1 = '' OR queue_id = ?1) AND (?2 = '' OR instr(lower(recipient), lower(?2)) > 0) "
      "ORDER BY id DESC LIMIT ?3 OFFSET ?4");
  select.bindText(1, query.queueId)
      .bindText(2, query.recipient)
      .bindInt64(3, sqlLimit(query.limit))
      .bindInt64(4, static_cast<std::int64_t>(query.offset));
  std::vector<DeliveryLogRecord> out;
  while (select.step()) out.push_back(rowOf(select));
  return out;
}

DeliveryOutcomeCounts DeliveryLogRepository::countSince(std::chrono::system_clock::time_point since) {
  flushBeforeReading();
  auto connection = database_.acquire();
  Statement select =
      connection->prepare("SELECT outcome, count(*) FROM delivery_log WHERE at >= ?1 GROUP BY outcome");
  select.bindInt64(1, toUnix(since));
  DeliveryOutcomeCounts counts;
  while (select.step()) {
    const std::string outcome = select.columnText(0);
    const auto n = static_cast<std::uint64_t>(select.columnInt64(1));
    if (outcome == "delivered")
      counts.delivered = n;
    else if (outcome == "deferred")
      counts.deferred = n;
    else if (outcome == "failed")
      counts.failed = n;
    else if (outcome == "expired")
      counts.expired = n;
  }
  return counts;
}

std::optional<DeliveryLogRecord> DeliveryLogRepository::latest(const std::string& outcome) {
  flushBeforeReading();
  auto connection = database_.acquire();
  Statement select =
      connection->prepare(std::string(kColumns) + "WHERE outcome = ?1 ORDER BY id DESC LIMIT 1");
  select.bindText(1, outcome);
  if (!select.step()) return std::nullopt;
  return rowOf(select);
}

std::size_t DeliveryLogRepository::purgeBefore(std::chrono::system_clock::time_point cutoff) {
  flushBeforeReading();
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM delivery_log WHERE at < ?1").bindInt64(1, toUnix(cutoff)).run();
  return static_cast<std::size_t>(connection->changes());
}

}  // namespace postern::store
