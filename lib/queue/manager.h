// queue::Manager — moves every committed message to the smarthost: schedules attempts with backoff, keeps
// each recipient's state in the envelope, bounces what failed for good (RFC 3464), warns senders of long
// delays, gives up after queue.max_lifetime, and logs every attempt.
//
// The contract it keeps (DESIGN.md "Durability"): a message leaves the spool only after every recipient is
// delivered or failed-and-notified, and a notification is itself committed to the spool before the
// message it is about is updated or removed. A crash at any point repeats work (a second attempt, a second
// bounce), never loses it: at least once, and on a clean stop, exactly once.
//
// Owns: the schedule (which message is due when), the worker threads, the state transitions. Must not
// know: sockets, SMTP, SQLite (the Transport and DeliveryLog ports below are adapted in app/).
// Thread-safety: every public function may be called from any thread. One message is handled by one
// worker at a time; the spool's updateEnvelope()/remove() are only called by that worker.
#pragma once

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "queue/dsn.h"
#include "queue/envelope.h"
#include "queue/spool.h"

namespace postern::queue {

enum class AttemptOutcome { Delivered, Deferred, Failed };

struct RecipientAttempt {
  AttemptOutcome outcome = AttemptOutcome::Deferred;
  std::string reply;  // the smarthost's reply or the local reason; one line, no secrets
};

struct AttemptResult {
  std::vector<RecipientAttempt> recipients;  // one per requested recipient, same order
  std::string remote;                        // "host:port" that answered; empty when none did
  // Nothing was tried: every connection of the message's route is busy. The message comes back a few
  // seconds later; no attempt is counted, logged or recorded (recipients may be empty).
  bool notAttempted = false;
  // The smarthost offered DSN and was given NOTIFY/ORCPT/RET/ENVID (RFC 3461 §5.2): it reports success from
  // now on. Otherwise Postern sends the "relayed" notice for NOTIFY=SUCCESS recipients it delivered.
  bool dsnPassedOn = false;
};

// Hands a message to the next hop. Must not throw for delivery trouble (that is a Deferred result).
class Transport {
 public:
  virtual ~Transport() = default;
  // recipients: indexes into message.envelope.recipients (the pending ones), at least one.
  virtual AttemptResult deliver(const QueuedMessage& message, const std::vector<std::size_t>& recipients) = 0;
  // False while there is nowhere to deliver at all (no smarthost configured): the queue is then held —
  // no attempts, no expiry, no bounces — until it turns true. Called without the manager's lock held.
  virtual bool available() { return true; }
};

struct DeliveryLogEntry {
  std::chrono::system_clock::time_point time;
  std::string queueId;
  std::string sender;  // "" for the null reverse-path
  std::string recipient;
  std::string outcome;  // delivered | deferred | failed | expired
  std::string remote;   // smarthost, may be empty
  std::string reply;
};

// Where attempts are recorded (a SQLite table in production). Failures to record are logged, never fatal.
class DeliveryLog {
 public:
  virtual ~DeliveryLog() = default;
  virtual void record(const std::vector<DeliveryLogEntry>& entries) = 0;
  virtual void purgeBefore(std::chrono::system_clock::time_point cutoff) = 0;
};

struct ManagerOptions {
  std::vector<std::chrono::seconds> retrySchedule{std::chrono::minutes(1), std::chrono::minutes(5),
                                                  std::chrono::minutes(15), std::chrono::minutes(30),
                                                  std::chrono::hours(1)};
  std::chrono::seconds maxLifetime{std::chrono::hours(120)};
  std::chrono::seconds delayWarning{std::chrono::hours(4)};  // 0: never warn
  std::chrono::seconds logRetention{std::chrono::hours(24 * 30)};
  std::string hostname;  // Reporting-MTA and MAILER-DAEMON@ of notifications
  std::size_t workers = 4;
  std::chrono::milliseconds controlPollInterval{500};
  std::chrono::milliseconds maxSleep{1000};  // workers re-check the schedule at least this often
};

struct QueueCounts {
  std::size_t scheduled = 0;  // messages waiting for their next attempt
  std::size_t inFlight = 0;
};

// One page of the queued IDs in arrival order, and how many there are in all.
struct QueuedIds {
  std::size_t total = 0;
  std::vector<std::string> ids;
};

class Manager {
 public:
  Manager(Spool& spool, Transport& transport, DeliveryLog& log, ManagerOptions options,
          const core::Clock& clock = core::SystemClock::instance());
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  ~Manager();

  // Reads every queued message's next attempt from the spool (after Spool::recover()).
  void loadSchedule();
  // Starts the workers and the control poller; call loadSchedule() first.
  void start();
  // Stops taking new work and waits up to grace for attempts in progress. False when some are still
  // running: their envelopes are untouched, so they are attempted again after a restart (at least once).
  // The destructor joins the threads.
  bool stop(std::chrono::milliseconds grace);
  // Stops taking new work without waiting (stop() then waits); for a shutdown that stops the listeners
  // meanwhile.
  void requestStop();

  // A freshly committed message: attempt it now.
  void enqueue(const std::string& id);
  // Make waiting messages due now (all of them, or one). False when the ID is not scheduled.
  void retryAll();
  bool retry(const std::string& id);
  // Removes a message without notifying anyone (administrator's decision). If it is being attempted, it
  // is removed when the attempt ends. False when no such message exists.
  bool remove(const std::string& id);

  // Handles every message due now on the calling thread, one after another; returns how many. Tests and
  // start() drive the same code.
  std::size_t runDue();
  // Carries out the requests in spool/control/ (postern queue retry|delete). An entry it cannot handle
  // (a directory, a file it cannot remove) is skipped and logged once, not at every poll; the requests
  // beside it are carried out all the same.
  void pollControlRequests();

  QueueCounts counts() const;
  // The IDs the manager holds (scheduled, in an attempt, or left unreadable by loadSchedule()), in
  // arrival order, without touching the spool directory: the web admin's queue list. A committed message
  // is here before its client hears 250 (the spool sink enqueues it inside commit), and a notification
  // before the attempt that made it ends. limit 0: all from offset. Costs O(offset + limit) under the lock.
  QueuedIds queued(std::size_t offset, std::size_t limit) const;

 private:
  using TimePoint = std::chrono::system_clock::time_point;

  void schedule(const std::string& id, TimePoint due);
  // Takes the earliest due message that is not in flight; empty when none is due.
  std::string takeDue(TimePoint now);
  // Returns true when the administrator deleted the message during its attempt: the caller then calls
  // removeDeleted() outside the lock.
  bool finished(const std::string& id, bool keep, TimePoint next);
  void removeDeleted(const std::string& id);
  void workerLoop();
  void housekeepingLoop();

  // One delivery attempt of one message; returns the time of its next attempt, or nullopt when it left
  // the queue.
  std::optional<TimePoint> process(const std::string& id);
  // process(), with an unexpected exception logged and the message kept for a later attempt.
  std::optional<TimePoint> processGuarded(const std::string& id);
  static std::vector<std::size_t> pendingRecipients(const QueuedMessage& message);
  void expire(QueuedMessage& message, TimePoint now, std::vector<DeliveryLogEntry>& log);
  // False when the transport had no free connection (nothing changed).
  bool attempt(QueuedMessage& message, TimePoint now, std::vector<DeliveryLogEntry>& log);
  bool delayWarningDue(const QueuedMessage& message, TimePoint now) const;
  // Commits the bounce for failed, not yet notified recipients; marks them notified. False when the
  // bounce could not be committed (they stay un-notified and the message stays queued).
  bool notifyFailures(QueuedMessage& message, TimePoint now);
  // Commits the "relayed" notice for delivered recipients that asked NOTIFY=SUCCESS of a smarthost without
  // DSN; marks them notified. False when it could not be committed.
  bool notifyRelayed(QueuedMessage& message, TimePoint now);
  bool warnOfDelay(QueuedMessage& message, TimePoint now);
  bool commitNotification(const QueuedMessage& message, DsnAction action, TimePoint now,
                          const std::vector<std::size_t>& recipients);
  TimePoint nextAttemptAfter(const QueuedMessage& message, TimePoint now) const;
  void recordLog(const std::vector<DeliveryLogEntry>& entries);

  Spool& spool_;
  Transport& transport_;
  DeliveryLog& log_;
  const ManagerOptions options_;
  const core::Clock& clock_;
  Poco::Logger& logger_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;                     // workers
  std::condition_variable housekeepingWake_;         // the control poller
  std::set<std::pair<TimePoint, std::string>> due_;  // (next attempt, id)
  std::map<std::string, TimePoint> scheduled_;       // id → its entry in due_
  std::set<std::string> inFlight_;
  // Envelopes loadSchedule() could not read: never attempted, but still in the spool, so still listed
  // (as unreadable) until retry() or remove() takes them up.
  std::set<std::string> unreadable_;
  std::set<std::string> removeWhenDone_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::size_t busyWorkers_ = 0;
  std::condition_variable idle_;

  // pollControlRequests()' memory between polls (entry names in spool/control/), under controlMutex_.
  std::mutex controlMutex_;
  std::set<std::string> controlReported_;    // bad entries and failed requests already logged
  std::set<std::string> controlCarriedOut_;  // requests done whose file could not be removed
  bool controlUnreadable_ = false;           // the directory could not be listed at the last poll
};

}  // namespace postern::queue
