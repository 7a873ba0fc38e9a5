// limits — per-user sending limits (README "Sending limits"): how many messages a login may submit per
// hour and to how many recipients per day, so that a stolen password cannot turn Postern into a spam
// cannon through the office's smarthost account.
//
// Owns: the rule (a login's effective limits from the configured defaults and its own overrides; what is
// left of them), the counting of each login's use in sliding windows, and when that use is written down.
//
// Counting. Use is kept in memory per login, in one-minute buckets (messages, recipients, refusals) over
// the last 24 hours: "per hour" sums the buckets of the current minute and the 59 before it, "per day" the
// current minute and the 1439 before. A message therefore ages out of the hour between 59 and 60 minutes
// after it was sent, never later: the limit can be at most one minute generous, never stricter than set.
// Memory is bounded: a login holds at most 1440 buckets, and at most maxLogins logins are tracked (a
// login whose buckets all aged out is forgotten first, then the one least recently active).
//
// Persistence, and why this way. The counts must survive a restart, or a crash loop would refill a stolen
// account's allowance. The delivery log cannot serve: it records deliveries per recipient, not the login
// that submitted, and a held queue writes nothing. A SQLite write per message on the SMTP path is what the
// performance work removes. So the counter remembers which buckets changed since the last write
// (takePending) and a UsageRecorder thread adds them to a small table every few seconds (one transaction
// per batch) and once more on stop; at start the windows are seeded from that table (seed). A crash loses
// at most one interval's counts (default 5 s), far less than an attacker could gain by a restart, and the
// message path never waits for the disk.
//
// Concurrency: the check at MAIL and the charge after DATA are two steps, so parallel connections of one
// login can overshoot by the messages they have in flight at once (bounded by smtp.max_connections_per_ip
// and smtp.max_connections), which an attacker cannot turn into more than a few extra messages.
//
// Must not know: SMTP replies, SQL, HTTP. Thread-safety: SendingCounter and UsageRecorder are thread-safe;
// UsageStore implementations must be.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace postern::limits {

// 0 means unlimited.
struct Limits {
  std::uint64_t messagesPerHour = 200;
  std::uint64_t recipientsPerDay = 1000;
};

// A user's own limits: nullopt = the configured default, 0 = unlimited.
struct Overrides {
  std::optional<std::uint64_t> messagesPerHour;
  std::optional<std::uint64_t> recipientsPerDay;
};

Limits effectiveLimits(const Limits& defaults, const Overrides& overrides);

// The largest value a limit may take (the store keeps signed 64-bit integers; no office needs more).
inline constexpr std::uint64_t kMaxLimit = 100000000;

// Which limit a refusal hit.
enum class Kind { MessagesPerHour, RecipientsPerDay };
const char* kindName(Kind kind);  // "messages_per_hour", "recipients_per_day"

// A login's use inside the windows.
struct Usage {
  std::uint64_t messagesLastHour = 0;
  std::uint64_t recipientsLastDay = 0;
  std::uint64_t refusalsLastDay = 0;                                 // commands refused by a limit
  std::optional<std::chrono::system_clock::time_point> lastRefusal;  // to the minute, within the day
};

// What is left of the limits; nullopt: unlimited.
struct Allowance {
  std::optional<std::uint64_t> messages;
  std::optional<std::uint64_t> recipients;
};
Allowance allowance(const Limits& limits, const Usage& usage);

// One login's use in one minute (minute: minutes since the Unix epoch, UTC).
struct UsageBucket {
  std::string login;
  std::int64_t minute = 0;
  std::uint64_t messages = 0;
  std::uint64_t recipients = 0;
  std::uint64_t refusals = 0;
};

inline constexpr std::int64_t kMinutesPerDay = 24 * 60;
inline constexpr std::int64_t kMinutesPerHour = 60;

class SendingCounter {
 public:
  explicit SendingCounter(const core::Clock& clock = core::SystemClock::instance(),
                          std::size_t maxLogins = 100000);

  // Adds persisted buckets (at start): those older than a day are ignored. Not marked pending.
  void seed(const std::vector<UsageBucket>& buckets);
  // A message to `recipients` recipients was accepted for login.
  void charge(std::string_view login, std::uint64_t recipients);
  // A command of login was refused by a limit.
  void recordRefusal(std::string_view login);

  Usage usage(std::string_view login) const;
  // Every login with any use in the last day, ordered by login.
  std::vector<std::pair<std::string, Usage>> all() const;
  std::size_t trackedLogins() const;

  // The changes since the last call, as deltas to add to the stored buckets; clears them.
  std::vector<UsageBucket> takePending();
  // Deltas that could not be stored: kept for the next attempt.
  void restorePending(const std::vector<UsageBucket>& deltas);

 private:
  struct Bucket {
    std::int64_t minute = 0;
    std::uint64_t messages = 0, recipients = 0, refusals = 0;
  };
  struct LoginState {
    std::deque<Bucket> buckets;  // oldest first, minutes ascending
    std::int64_t lastActive = 0;
  };
  using PendingKey = std::pair<std::string, std::int64_t>;
  struct PendingHash {
    std::size_t operator()(const PendingKey& k) const {
      return std::hash<std::string>()(k.first) ^ (std::hash<std::int64_t>()(k.second) << 1);
    }
  };

  std::int64_t minuteNow() const;
  // With mutex_ held.
  Bucket& bucketFor(const std::string& login, std::int64_t minute, std::int64_t now);
  void dropExpired(LoginState& state, std::int64_t now) const;
  void makeRoom(std::int64_t now);
  Usage usageOf(const LoginState& state, std::int64_t now) const;

  const core::Clock& clock_;
  const std::size_t maxLogins_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, LoginState> logins_;
  std::unordered_map<PendingKey, UsageBucket, PendingHash> pending_;
};

// Where the counts are written down: store::SendingLimitRepository, adapted in app/.
class UsageStore {
 public:
  virtual ~UsageStore() = default;
  // Buckets of minutes >= sinceMinute.
  virtual std::vector<UsageBucket> loadSince(std::int64_t sinceMinute) = 0;
  // Adds the deltas to the stored buckets, all in one transaction. Throws on failure.
  virtual void add(const std::vector<UsageBucket>& deltas) = 0;
  // Removes buckets of minutes < beforeMinute.
  virtual void purgeBefore(std::int64_t beforeMinute) = 0;
};

// The background writer: every interval it takes the counter's pending deltas and adds them to the store
// (kept for the next round when the store fails), and purges buckets older than a day; stop() (and the
// destructor) writes once more. onError learns failures (for the log).
class UsageRecorder {
 public:
  UsageRecorder(SendingCounter& counter, UsageStore& store, std::chrono::milliseconds interval,
                const core::Clock& clock = core::SystemClock::instance(),
                std::function<void(const std::string&)> onError = {});
  ~UsageRecorder() { stop(); }
  UsageRecorder(const UsageRecorder&) = delete;
  UsageRecorder& operator=(const UsageRecorder&) = delete;

  void stop();
  // One round now (also what the thread runs). Returns false when the store failed.
  bool flush();

 private:
  void run();

  SendingCounter& counter_;
  UsageStore& store_;
  const std::chrono::milliseconds interval_;
  const core::Clock& clock_;
  const std::function<void(const std::string&)> onError_;
  std::mutex flushMutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  std::thread thread_;
};

// Seeds counter from the store's last day.
void seedFromStore(SendingCounter& counter, UsageStore& store, const core::Clock& clock);

}  // namespace postern::limits
