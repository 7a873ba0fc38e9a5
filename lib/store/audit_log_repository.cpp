#include "store/audit_log_repository.h"

#include <limits>

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {
// " WHERE actor = :actor AND action = :action" with only the conditions asked for, so that SQLite can use
// the (actor, id) or (action, id) index.
std::string whereClause(const AuditFilter& filter) {
  std::string where;
  if (filter.actor) where += " actor = :actor";
  if (filter.action) where += std::string(where.empty() ? "" : " AND") + " action = :action";
  return where.empty() ? where : " WHERE" + where;
}

void bindFilter(Statement& query, const AuditFilter& filter) {
  if (filter.actor) query.bindText(":actor", *filter.actor);
  if (filter.action) query.bindText(":action", *filter.action);
}

std::int64_t clampToInt64(std::size_t n) {
  return n > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(n);
}
}  // namespace

std::int64_t AuditLogRepository::append(const AuditRecord& record, std::size_t keepAtMost) {
  if (keepAtMost == 0) throw InvalidValue("the audit log must keep at least one entry");
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  connection
      ->prepare(
          "INSERT INTO audit_log (at, actor, client_address, action, object, outcome) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bindInt64(1, toUnix(record.at))
      .bindText(2, record.actor)
      .bindText(3, record.clientAddress)
      .bindText(4, record.action)
      .bindText(5, record.object)
      .bindText(6, record.outcome)
      .run();
  const std::int64_t id = connection->lastInsertRowid();
  const std::int64_t keep = clampToInt64(keepAtMost);
  if (id > keep) connection->prepare("DELETE FROM audit_log WHERE id <= ?1").bindInt64(1, id - keep).run();
  transaction.commit();
  return id;
}

std::vector<AuditRecord> AuditLogRepository::list(const AuditFilter& filter) {
  const std::string sql = "SELECT id, at, actor, client_address, action, object, outcome FROM audit_log" +
                          whereClause(filter) + " ORDER BY id DESC LIMIT :limit OFFSET :offset";
  auto connection = database_.acquire();
  Statement query = connection->prepare(sql);
  bindFilter(query, filter);
  query.bindInt64(":limit", clampToInt64(filter.limit)).bindInt64(":offset", clampToInt64(filter.offset));
  std::vector<AuditRecord> records;
  while (query.step()) {
    AuditRecord r;
    r.id = query.columnInt64(0);
    r.at = fromUnix(query.columnInt64(1));
    r.actor = query.columnText(2);
    r.clientAddress = query.columnText(3);
    r.action = query.columnText(4);
    r.object = query.columnText(5);
    r.outcome = query.columnText(6);
    records.push_back(std::move(r));
  }
  return records;
}

std::size_t AuditLogRepository::count(const AuditFilter& filter) {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT count(*) FROM audit_log" + whereClause(filter));
  bindFilter(query, filter);
  query.step();
  return static_cast<std::size_t>(query.columnInt64(0));
}

}  // namespace postern::store
