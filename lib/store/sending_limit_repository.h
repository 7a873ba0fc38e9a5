// store::SendingLimitRepository — the sending limits' data (db/008_sending_limits.sql): each user's own
// limits (users.messages_per_hour, users.recipients_per_day; NULL = the default, 0 = unlimited) and the
// per-minute use table the running server writes in batches (limits::UsageRecorder) and reads at start.
//
// Owns: the SQL for those columns and for sending_usage. Must not know: SMTP, HTTP, the limits' rule.
// Errors: core::NotFound ("no such user: x") for an unknown login, core::InvalidValue for a login that is
// no e-mail address or a negative or oversized limit, store::DatabaseError.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace postern::store {

struct StoredLimits {
  std::optional<std::int64_t> messagesPerHour;   // nullopt: the default
  std::optional<std::int64_t> recipientsPerDay;  // nullopt: the default
};

struct StoredUsage {
  std::string login;
  std::int64_t minute = 0;
  std::int64_t messages = 0, recipients = 0, refusals = 0;
};

class SendingLimitRepository {
 public:
  explicit SendingLimitRepository(Database& database,
                                  const core::Clock& clock = core::SystemClock::instance())
      : database_(database), clock_(clock) {}

  // nullopt for an unknown user (or a login that is no address).
  std::optional<StoredLimits> limits(std::string_view login);
  // Every user's own limits, by login (users without any override included, with both nullopt).
  std::map<std::string, StoredLimits> allLimits();
  // Replaces both values (nullopt clears to the default). Throws NotFound, InvalidValue.
  void setLimits(std::string_view login, const StoredLimits& limits);

  std::vector<StoredUsage> usageSince(std::int64_t sinceMinute);
  // Adds each row's counts to the stored row of (login, minute), in one transaction.
  void addUsage(const std::vector<StoredUsage>& deltas);
  std::size_t purgeUsageBefore(std::int64_t beforeMinute);

 private:
  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
