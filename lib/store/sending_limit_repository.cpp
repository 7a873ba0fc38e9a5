#include "store/sending_limit_repository.h"

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"
#include "store/user_repository.h"

namespace postern::store {

namespace {
std::string loginOrThrow(std::string_view login) {
  auto normal = UserRepository::normaliseLogin(login);
  if (!normal) throw InvalidValue("not an e-mail address: '" + std::string(login) + "'");
  return *normal;
}

std::optional<std::int64_t> optionalColumn(const Statement& row, int column) {
  if (row.columnIsNull(column)) return std::nullopt;
  return row.columnInt64(column);
}

void bindOptional(Statement& statement, int index, const std::optional<std::int64_t>& value) {
  if (value)
    statement.bindInt64(index, *value);
  else
    statement.bindNull(index);
}
}  // namespace

std::optional<StoredLimits> SendingLimitRepository::limits(std::string_view login) {
  const auto normal = UserRepository::normaliseLogin(login);
  if (!normal) return std::nullopt;
  auto connection = database_.acquire();
  Statement query =
      connection->prepare("SELECT messages_per_hour, recipients_per_day FROM users WHERE login = ?1");
  query.bindText(1, *normal);
  if (!query.step()) return std::nullopt;
  return StoredLimits{optionalColumn(query, 0), optionalColumn(query, 1)};
}

std::map<std::string, StoredLimits> SendingLimitRepository::allLimits() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT login, messages_per_hour, recipients_per_day FROM users");
  std::map<std::string, StoredLimits> out;
  while (query.step())
    out[query.columnText(0)] = StoredLimits{optionalColumn(query, 1), optionalColumn(query, 2)};
  return out;
}

void SendingLimitRepository::setLimits(std::string_view login, const StoredLimits& limits) {
  for (const auto& value : {limits.messagesPerHour, limits.recipientsPerDay})
    if (value && *value < 0) throw InvalidValue("a sending limit cannot be negative");
  const std::string normal = loginOrThrow(login);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement update = connection->prepare(
      "UPDATE users SET messages_per_hour = ?1, recipients_per_day = ?2, updated_at = ?3 WHERE login = ?4");
  bindOptional(update, 1, limits.messagesPerHour);
  bindOptional(update, 2, limits.recipientsPerDay);
  update.bindInt64(3, toUnix(clock_.now())).bindText(4, normal).run();
  if (connection->changes() == 0) throw NotFound("no such user: " + normal);
  transaction.commit();
}

std::vector<StoredUsage> SendingLimitRepository::usageSince(std::int64_t sinceMinute) {
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT login, minute, messages, recipients, refusals FROM sending_usage WHERE minute >= ?1 "
      "ORDER BY login, minute");
  query.bindInt64(1, sinceMinute);
  std::vector<StoredUsage> out;
  while (query.step())
    out.push_back(StoredUsage{query.columnText(0), query.columnInt64(1), query.columnInt64(2),
                              query.columnInt64(3), query.columnInt64(4)});
  return out;
}

void SendingLimitRepository::addUsage(const std::vector<StoredUsage>& deltas) {
  if (deltas.empty()) return;
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement upsert = connection->prepare(
      "INSERT INTO sending_usage (login, minute, messages, recipients, refusals) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (login, minute) DO UPDATE SET messages = messages + excluded.messages, "
      "recipients = recipients + excluded.recipients, refusals = refusals + excluded.refusals");
  for (const auto& d : deltas) {
    upsert.reset();
    upsert.bindText(1, d.login)
        .bindInt64(2, d.minute)
        .bindInt64(3, d.messages)
        .bindInt64(4, d.recipients)
        .bindInt64(5, d.refusals)
        .run();
  }
  transaction.commit();
}

std::size_t SendingLimitRepository::purgeUsageBefore(std::int64_t beforeMinute) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM sending_usage WHERE minute < ?1").bindInt64(1, beforeMinute).run();
  return static_cast<std::size_t>(connection->changes());
}

}  // namespace postern::store
