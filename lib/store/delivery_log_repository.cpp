#include "store/delivery_log_repository.h"

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

void DeliveryLogRepository::append(const std::vector<DeliveryLogRecord>& records) {
  if (records.empty()) return;
  auto connection = database_.acquire();
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

std::vector<DeliveryLogRecord> DeliveryLogRepository::recent(const std::string& queueId, std::size_t limit) {
  auto connection = database_.acquire();
  Statement select = connection->prepare(
      "SELECT id, at, queue_id, sender, recipient, outcome, remote, reply FROM delivery_log "
      "WHERE ?1 = '' OR queue_id = ?1 ORDER BY id DESC LIMIT ?2");
  select.bindText(1, queueId).bindInt64(2, limit == 0 ? -1 : static_cast<std::int64_t>(limit));
  std::vector<DeliveryLogRecord> out;
  while (select.step()) {
    DeliveryLogRecord r;
    r.id = select.columnInt64(0);
    r.at = fromUnix(select.columnInt64(1));
    r.queueId = select.columnText(2);
    r.sender = select.columnText(3);
    r.recipient = select.columnText(4);
    r.outcome = select.columnText(5);
    r.remote = select.columnText(6);
    r.reply = select.columnText(7);
    out.push_back(std::move(r));
  }
  return out;
}

std::size_t DeliveryLogRepository::purgeBefore(std::chrono::system_clock::time_point cutoff) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM delivery_log WHERE at < ?1").bindInt64(1, toUnix(cutoff)).run();
  return static_cast<std::size_t>(connection->changes());
}

}  // namespace postern::store
