#include "queue/manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "core/error.h"
#include "core/text.h"
#include "fs/file_descriptor.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "queue/queue_control.h"

namespace postern::queue {
namespace {

using std::chrono::system_clock;

constexpr auto kLogPurgeInterval = std::chrono::hours(1);
// A message whose route had no free connection is looked at again this soon (nothing was counted).
constexpr auto kBusyRetry = std::chrono::seconds(1);

const char* outcomeName(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::Delivered:
      return "delivered";
    case AttemptOutcome::Failed:
      return "failed";
    case AttemptOutcome::Deferred:
      break;
  }
  return "deferred";
}

std::string seconds(system_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

}  // namespace

Manager::Manager(Spool& spool, Transport& transport, DeliveryLog& log, ManagerOptions options,
                 const core::Clock& clock)
    : spool_(spool),
      transport_(transport),
      log_(log),
      options_(std::move(options)),
      clock_(clock),
      logger_(Poco::Logger::get("queue")) {
  if (options_.retrySchedule.empty()) throw core::Error::permanent("queue: the retry schedule is empty");
  if (options_.workers == 0) throw core::Error::permanent("queue: at least one worker is needed");
}

Manager::~Manager() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

// ---- schedule ---------------------------------------------------------------------------------------------

void Manager::schedule(const std::string& id, TimePoint due) {
  // Caller holds mutex_.
  if (const auto it = scheduled_.find(id); it != scheduled_.end()) {
    due_.erase({it->second, id});
    scheduled_.erase(it);
  }
  due_.insert({due, id});
  scheduled_[id] = due;
  unreadable_.erase(id);
}

std::string Manager::takeDue(TimePoint now) {
  // Caller holds mutex_.
  if (due_.empty() || due_.begin()->first > now) return {};
  std::string id = due_.begin()->second;
  due_.erase(due_.begin());
  scheduled_.erase(id);
  inFlight_.insert(id);
  return id;
}

bool Manager::finished(const std::string& id, bool keep, TimePoint next) {
  // Caller holds mutex_.
  inFlight_.erase(id);
  if (removeWhenDone_.erase(id)) return keep;
  if (keep) schedule(id, next);
  return false;
}

void Manager::removeDeleted(const std::string& id) {
  try {
    if (spool_.remove(id)) logger_.notice(id + ": removed by the administrator");
  } catch (const std::exception& e) {
    logger_.error(id + ": cannot remove it as the administrator asked: " + e.what());
  }
}

void Manager::loadSchedule() {
  std::size_t loaded = 0;
  for (const std::string& id : spool_.list()) {
    try {
      const auto message = spool_.load(id);
      if (!message) continue;
      std::lock_guard lock(mutex_);
      schedule(id, message->progress.nextAttempt);
      ++loaded;
    } catch (const std::exception& e) {
      logger_.error(id + ": cannot read its envelope (" + e.what() + "); left for start-up recovery");
      std::lock_guard lock(mutex_);
      unreadable_.insert(id);
    }
  }
  logger_.information("queue: " + std::to_string(loaded) + " messages scheduled");
}

void Manager::start() {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { workerLoop(); });
  threads_.emplace_back([this] { housekeepingLoop(); });
}

void Manager::requestStop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  housekeepingWake_.notify_all();
}

bool Manager::stop(std::chrono::milliseconds grace) {
  requestStop();
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, grace, [this] { return busyWorkers_ == 0; });
}

void Manager::enqueue(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (inFlight_.count(id)) return;
    schedule(id, TimePoint());
  }
  wake_.notify_one();
}

void Manager::retryAll() {
  {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const auto& [id, due] : scheduled_) ids.push_back(id);
    for (const auto& id : ids) schedule(id, TimePoint());
  }
  wake_.notify_all();
}

bool Manager::retry(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (inFlight_.count(id)) return true;  // being attempted right now
    if (scheduled_.count(id)) {
      schedule(id, TimePoint());
      wake_.notify_one();
      return true;
    }
  }
  // Not known (yet): a message whose envelope was unreadable at start, or a foreign ID. Read outside the
  // lock: sessions enqueue under it.
  std::optional<QueuedMessage> message;
  try {
    message = spool_.load(id);
  } catch (const std::exception&) {
  }
  if (!message) return false;
  {
    std::lock_guard lock(mutex_);
    if (!inFlight_.count(id)) schedule(id, TimePoint());
  }
  wake_.notify_one();
  return true;
}

bool Manager::remove(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (inFlight_.count(id)) {
      removeWhenDone_.insert(id);
      return true;
    }
    if (const auto it = scheduled_.find(id); it != scheduled_.end()) {
      due_.erase({it->second, id});
      scheduled_.erase(it);
    }
    unreadable_.erase(id);
  }
  const bool removed = spool_.remove(id);
  if (removed) logger_.notice(id + ": removed by the administrator");
  return removed;
}

QueueCounts Manager::counts() const {
  std::lock_guard lock(mutex_);
  return QueueCounts{scheduled_.size(), inFlight_.size()};
}

QueuedIds Manager::queued(std::size_t offset, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  // An ID is in exactly one of the three sets (takeDue and finished move it between scheduled_ and
  // inFlight_; schedule() takes it out of unreadable_), so a three-way merge of sorted keys is the order.
  QueuedIds page;
  page.total = scheduled_.size() + inFlight_.size() + unreadable_.size();
  auto s = scheduled_.begin();
  auto f = inFlight_.begin();
  auto u = unreadable_.begin();
  const std::size_t first = std::min(offset, page.total);
  const std::size_t last = limit == 0 ? page.total : first + std::min(limit, page.total - first);
  page.ids.reserve(last - first);
  for (std::size_t i = 0; i < last; ++i) {
    const std::string* next = nullptr;
    if (s != scheduled_.end()) next = &s->first;
    if (f != inFlight_.end() && (!next || *f < *next)) next = &*f;
    if (u != unreadable_.end() && (!next || *u < *next)) next = &*u;
    if (i >= first) page.ids.push_back(*next);
    if (s != scheduled_.end() && next == &s->first)
      ++s;
    else if (f != inFlight_.end() && next == &*f)
      ++f;
    else
      ++u;
  }
  return page;
}

// ---- threads
// ------------------------------------------------------------------------------------------------

std::size_t Manager::runDue() {
  std::size_t handled = 0;
  if (!transport_.available()) return 0;
  for (;;) {
    std::string id;
    {
      std::lock_guard lock(mutex_);
      id = takeDue(clock_.now());
    }
    if (id.empty()) return handled;
    const std::optional<TimePoint> next = processGuarded(id);
    bool deleted = false;
    {
      std::lock_guard lock(mutex_);
      deleted = finished(id, next.has_value(), next.value_or(TimePoint()));
    }
    if (deleted) removeDeleted(id);
    ++handled;
  }
}

void Manager::workerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const bool available = transport_.available();
    lock.lock();
    if (stopping_) break;
    if (!available) {
      wake_.wait_for(lock, options_.maxSleep);
      continue;
    }
    const TimePoint now = clock_.now();
    std::string id = takeDue(now);
    if (id.empty()) {
      auto sleep = std::chrono::duration_cast<std::chrono::milliseconds>(options_.maxSleep);
      if (!due_.empty())
        sleep = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(due_.begin()->first - now),
                           std::chrono::milliseconds(1), sleep);
      wake_.wait_for(lock, sleep);
      continue;
    }
    ++busyWorkers_;
    lock.unlock();
    const std::optional<TimePoint> next = processGuarded(id);
    lock.lock();
    if (finished(id, next.has_value(), next.value_or(TimePoint()))) {
      lock.unlock();
      removeDeleted(id);
      lock.lock();
    }
    --busyWorkers_;
    idle_.notify_all();
  }
}

void Manager::housekeepingLoop() {
  TimePoint nextPurge;  // epoch: purge once at start
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    pollControlRequests();
    const TimePoint now = clock_.now();
    if (now >= nextPurge) {
      try {
        log_.purgeBefore(now - options_.logRetention);
      } catch (const std::exception& e) {
        logger_.warning(std::string("delivery log: cannot purge old entries: ") + e.what());
      }
      nextPurge = now + kLogPurgeInterval;
    }
    lock.lock();
    housekeepingWake_.wait_for(lock, options_.controlPollInterval, [this] { return stopping_; });
  }
}

void Manager::pollControlRequests() {
  // One poll at a time: the sets below remember, across polls, what has already been reported, so a bad
  // entry is logged once rather than twice a second for as long as it stays.
  std::lock_guard poll(controlMutex_);
  ControlScan scan;
  try {
    scan = scanControlRequests(spool_.layout());
  } catch (const std::exception& e) {
    if (!controlUnreadable_)
      logger_.warning(std::string("queue control: cannot read requests (reported once until it can): ") +
                      e.what());
    controlUnreadable_ = true;
    return;
  }
  if (controlUnreadable_) logger_.notice("queue control: requests can be read again");
  controlUnreadable_ = false;

  std::set<std::string> present;
  for (const auto& problem : scan.problems) {
    present.insert(problem.name);
    if (controlReported_.insert(problem.name).second)
      logger_.warning("queue control: skipping spool/control/" + core::logValue(problem.name) + ": " +
                      problem.reason);
  }
  for (const auto& request : scan.requests) {
    const std::string name = request.fileName();
    present.insert(name);
    if (controlCarriedOut_.count(name)) continue;  // done; only its file could not be removed
    try {
      if (request.action == ControlAction::Delete) {
        remove(request.id);
      } else if (request.id.empty()) {
        logger_.notice("queue: retry of every message requested");
        retryAll();
      } else if (retry(request.id)) {
        logger_.notice(request.id + ": retry requested");
      }
    } catch (const std::exception& e) {  // tried again at the next poll, reported once
      if (controlReported_.insert(name).second)
        logger_.warning("queue control " + name + ": " + e.what() + " (will keep trying)");
      continue;
    }
    try {
      completeControlRequest(spool_.layout(), request);
    } catch (const std::exception& e) {  // never carried out twice for one file
      controlCarriedOut_.insert(name);
      if (controlReported_.insert(name).second)
        logger_.warning("queue control " + name +
                        ": carried out, but its file cannot be removed: " + e.what());
    }
  }
  // An entry that went away is forgotten: if it comes back, it is reported (or carried out) again.
  std::erase_if(controlReported_, [&](const std::string& name) { return !present.count(name); });
  std::erase_if(controlCarriedOut_, [&](const std::string& name) { return !present.count(name); });
}

// ---- one attempt
// ----------------------------------------------------------------------------------------------

std::optional<Manager::TimePoint> Manager::processGuarded(const std::string& id) {
  try {
    return process(id);
  } catch (const std::exception& e) {
    // An I/O error on the spool, say: the message stays and is tried again on the first step.
    logger_.error(id + ": delivery attempt failed inside Postern: " + e.what());
    return clock_.now() + options_.retrySchedule.front();
  }
}

std::vector<std::size_t> Manager::pendingRecipients(const QueuedMessage& message) {
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < message.envelope.recipients.size(); ++i)
    if (message.envelope.recipients[i].state == DeliveryState::Pending) pending.push_back(i);
  return pending;
}

std::optional<Manager::TimePoint> Manager::process(const std::string& id) {
  std::optional<QueuedMessage> loaded;
  try {
    loaded = spool_.load(id);
  } catch (const MalformedEnvelope& e) {
    logger_.error(id + ": envelope unreadable (" + e.what() + "); start-up recovery will quarantine it");
    return std::nullopt;
  }
  if (!loaded) return std::nullopt;  // deleted meanwhile
  QueuedMessage& message = *loaded;
  const TimePoint now = clock_.now();

  std::vector<DeliveryLogEntry> entries;
  if (message.pendingCount() > 0) {
    // Expiry needs an attempt first: mail held while no smarthost was configured gets its chance.
    if (message.progress.attempts > 0 && now >= message.envelope.arrival + options_.maxLifetime)
      expire(message, now, entries);
    else if (!attempt(message, now, entries))
      return now + kBusyRetry;  // no free connection on its route: nothing happened, nothing to record
  }
  recordLog(entries);

  bool unnotified = false;
  for (const auto& r : message.envelope.recipients) unnotified |= r.owesNotice();
  if (message.pendingCount() == 0 && !unnotified) {
    spool_.remove(id);
    return std::nullopt;
  }
  // Final states first: from here on a crash can repeat a notification, never a delivery.
  if (unnotified || delayWarningDue(message, now)) spool_.updateEnvelope(message);
  const bool failuresNotified = notifyFailures(message, now);
  const bool notified = notifyRelayed(message, now) && failuresNotified;
  warnOfDelay(message, now);
  if (message.pendingCount() == 0 && notified) {
    spool_.remove(id);
    return std::nullopt;
  }
  message.progress.nextAttempt =
      notified ? nextAttemptAfter(message, now) : now + options_.retrySchedule.front();
  spool_.updateEnvelope(message);
  return message.progress.nextAttempt;
}

bool Manager::attempt(QueuedMessage& message, TimePoint now, std::vector<DeliveryLogEntry>& entries) {
  const std::vector<std::size_t> pending = pendingRecipients(message);

  AttemptResult result = transport_.deliver(message, pending);
  if (result.notAttempted) return false;
  if (result.recipients.size() != pending.size()) {
    logger_.error(message.id + ": transport answered for " + std::to_string(result.recipients.size()) +
                  " of " + std::to_string(pending.size()) + " recipients; all deferred");
    result.recipients.assign(
        pending.size(), RecipientAttempt{AttemptOutcome::Deferred, "internal error in the delivery agent"});
  }
  ++message.progress.attempts;
  message.progress.lastAttempt = now;
  message.progress.remote = result.remote;
  const std::string sender = message.envelope.sender.str();
  const std::string delay = seconds(now - message.envelope.arrival);
  for (std::size_t k = 0; k < pending.size(); ++k) {
    Recipient& r = message.envelope.recipients[pending[k]];
    const RecipientAttempt& a = result.recipients[k];
    r.reply = a.reply;
    if (a.outcome == AttemptOutcome::Delivered) {
      r.state = DeliveryState::Delivered;
      // RFC 3461 §4.1/§5.2.2: a next hop without DSN cannot report success, so Postern does ("relayed").
      r.relayed = !result.dsnPassedOn && (r.notify & notify::kSuccess) && !message.isBounce();
    }
    if (a.outcome == AttemptOutcome::Failed) r.state = DeliveryState::Failed;
    entries.push_back(DeliveryLogEntry{now, message.id, sender, r.address.str(), outcomeName(a.outcome),
                                       result.remote, a.reply});
    // Postfix's shape, with every value a client or a remote server chose as one core::logValue() field:
    // a quoted local part or a reply cannot add fields of its own.
    const std::string line =
        message.id + ": to=" + core::logValue("<" + r.address.str() + ">") +
        ", relay=" + (result.remote.empty() ? "none" : core::logValue(result.remote)) + ", delay=" + delay +
        ", attempts=" + std::to_string(message.progress.attempts) +
        ", status=" + (a.outcome == AttemptOutcome::Delivered ? "sent" : outcomeName(a.outcome)) +
        ", reply=" + core::logValue(a.reply);
    if (a.outcome == AttemptOutcome::Failed)
      logger_.warning(line);
    else
      logger_.information(line);
  }
  return true;
}

void Manager::expire(QueuedMessage& message, TimePoint now, std::vector<DeliveryLogEntry>& entries) {
  const std::string sender = message.envelope.sender.str();
  for (Recipient& r : message.envelope.recipients) {
    if (r.state != DeliveryState::Pending) continue;
    r.state = DeliveryState::Failed;
    if (r.reply.empty()) r.reply = "no delivery attempt was possible";
    entries.push_back(DeliveryLogEntry{now, message.id, sender, r.address.str(), "expired",
                                       message.progress.remote, r.reply});
    logger_.warning(message.id + ": to=" + core::logValue("<" + r.address.str() + ">") +
                    ", delay=" + seconds(now - message.envelope.arrival) +
                    ", status=expired, reply=" + core::logValue(r.reply));
  }
}

Manager::TimePoint Manager::nextAttemptAfter(const QueuedMessage& message, TimePoint now) const {
  const auto& steps = options_.retrySchedule;
  const std::size_t step = std::min<std::size_t>(std::max(message.progress.attempts, 1u), steps.size()) - 1;
  const TimePoint next = now + steps[step];
  // Never sleep past the deadline: expiry (and its bounce) happens on time.
  const TimePoint deadline = message.envelope.arrival + options_.maxLifetime;
  return std::max(now, std::min(next, deadline));
}

void Manager::recordLog(const std::vector<DeliveryLogEntry>& entries) {
  if (entries.empty()) return;
  try {
    log_.record(entries);
  } catch (const std::exception& e) {
    logger_.warning(entries.front().queueId + ": delivery log: cannot record the attempt: " + e.what());
  }
}

}  // namespace postern::queue
