#include "store/ban_repository.h"

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

void BanRepository::save(const BanRecord& record) {
  if (record.kind != "addr" && record.kind != "login")
    throw InvalidValue("a ban is on an address (addr) or a login, not '" + record.kind + "'");
  if (record.key.empty() || record.key.size() > 320) throw InvalidValue("a ban key has 1 to 320 characters");
  if (record.count == 0) throw InvalidValue("a ban's count starts at 1");
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection
      ->prepare(
          "INSERT INTO auth_bans (kind, key, started_at, until, count, reason) VALUES (?1, ?2, ?3, ?4, ?5, "
          "?6) "
          "ON CONFLICT (kind, key) DO UPDATE SET started_at = excluded.started_at, until = excluded.until, "
          "count = excluded.count, reason = excluded.reason")
      .bindText(1, record.kind)
      .bindText(2, record.key)
      .bindInt64(3, toUnix(record.startedAt))
      .bindInt64(4, toUnix(record.until))
      .bindInt64(5, static_cast<std::int64_t>(record.count))
      .bindText(6, record.reason)
      .run();
  transaction.commit();
}

std::vector<BanRecord> BanRepository::list() {
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT kind, key, started_at, until, count, reason FROM auth_bans ORDER BY kind, key");
  std::vector<BanRecord> records;
  while (query.step()) {
    BanRecord r;
    r.kind = query.columnText(0);
    r.key = query.columnText(1);
    r.startedAt = fromUnix(query.columnInt64(2));
    r.until = fromUnix(query.columnInt64(3));
    const auto count = query.columnInt64(4);
    r.count = count < 1 ? 1u : static_cast<unsigned>(count);
    r.reason = query.columnText(5);
    records.push_back(std::move(r));
  }
  return records;
}

bool BanRepository::remove(const std::string& kind, const std::string& key) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection->prepare("DELETE FROM auth_bans WHERE kind = ?1 AND key = ?2")
      .bindText(1, kind)
      .bindText(2, key)
      .run();
  const bool removed = connection->changes() > 0;
  transaction.commit();
  return removed;
}

std::size_t BanRepository::removeEndedBy(std::chrono::system_clock::time_point endedBy) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection->prepare("DELETE FROM auth_bans WHERE until <= ?1").bindInt64(1, toUnix(endedBy)).run();
  const auto removed = static_cast<std::size_t>(connection->changes());
  transaction.commit();
  return removed;
}

std::size_t BanRepository::removeAll() {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection->prepare("DELETE FROM auth_bans").run();
  const auto removed = static_cast<std::size_t>(connection->changes());
  transaction.commit();
  return removed;
}

}  // namespace postern::store
