// admin::SendingLimits — the sending limits as an administrator sees them (README "Sending limits"), for
// the CLI and the web API: each user's own limits (set, or back to the default), their use against them,
// and the users near or over a limit. Also admin::RecordedUsage, the limits' UsageStore over the store.
//
// Where the use comes from: the running server passes its live limits::SendingCounter (the web admin runs
// in the same process), so what the API shows is what the SMTP sessions count. The CLI runs in another
// process and has no live counter: it reads what the server has written down, which trails the live count
// by up to a few seconds, and its views say so (live = false).
// Errors: core::InvalidValue with its field ("login", "messagesPerHour", "recipientsPerDay"),
// core::NotFound for an unknown user, core::Error (temporary) when the store fails.
// Must not know: HTTP, the command line, SMTP. Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "limits/sending_limits.h"
#include "store/change_monitor.h"
#include "store/sending_limit_repository.h"

namespace postern::admin {

struct SendingLimitsView {
  std::string login;
  limits::Overrides overrides;  // nullopt: the default
  limits::Limits defaults;
  limits::Limits effective;
  limits::Usage usage;
  bool live = false;     // usage is the running server's live count (false: as last written down)
  bool near = false;     // at least 80 % of a limit used
  bool limited = false;  // a command was refused by a limit within the last 24 hours
};

// One value of a change: absent = unchanged; "default" = back to the default; a number (0 = unlimited).
struct LimitChange {
  std::optional<std::optional<std::uint64_t>> messagesPerHour;
  std::optional<std::optional<std::uint64_t>> recipientsPerDay;
};

// A limit as an administrator types it: "default", or a whole number from 0 ("0" = unlimited) to
// limits::kMaxLimit. Throws core::InvalidValue(field, …).
std::optional<std::uint64_t> parseLimit(std::string_view text, const std::string& field);

class RecordedUsage final : public limits::UsageStore {
 public:
  explicit RecordedUsage(store::SendingLimitRepository& repository) : repository_(repository) {}
  std::vector<limits::UsageBucket> loadSince(std::int64_t sinceMinute) override;
  void add(const std::vector<limits::UsageBucket>& deltas) override;
  void purgeBefore(std::int64_t beforeMinute) override { repository_.purgeUsageBefore(beforeMinute); }

 private:
  store::SendingLimitRepository& repository_;
};

class SendingLimits {
 public:
  static constexpr unsigned kNearPercent = 80;

  // live: the running server's counter; nullptr (the CLI): use as written down.
  // changes (optional; the server passes one): limitsFor() answers are kept while nothing in the store
  // changed, so the message path reads no table; a change by the CLI still applies to the next message.
  SendingLimits(store::SendingLimitRepository& repository, limits::Limits defaults,
                const limits::SendingCounter* live, const core::Clock& clock = core::SystemClock::instance(),
                store::ChangeMonitor* changes = nullptr);

  const limits::Limits& defaults() const { return defaults_; }
  // The login's effective limits (what SMTP applies). Throws NotFound, InvalidValue("login").
  limits::Limits limitsFor(std::string_view login);
  SendingLimitsView view(std::string_view login);
  // Applies the change and returns the new view. Every value is checked before anything changes.
  SendingLimitsView change(std::string_view login, const LimitChange& change);
  // Users with any use in the last 24 hours, the most used first (by the larger share of a limit), then by
  // login.
  std::vector<SendingLimitsView> active();
  // Those of active() that a limit refused within the last 24 hours.
  std::vector<SendingLimitsView> limitedRecently();

 private:
  std::vector<std::pair<std::string, limits::Usage>> usageOfAll();
  SendingLimitsView make(const std::string& login, const store::StoredLimits& stored,
                         const limits::Usage& usage);

  store::SendingLimitRepository& repository_;
  const limits::Limits defaults_;
  const limits::SendingCounter* live_;
  const core::Clock& clock_;
  std::optional<store::StampedCache<limits::Limits>> cache_;
};

}  // namespace postern::admin
