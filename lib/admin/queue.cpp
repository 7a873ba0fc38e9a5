#include "admin/queue.h"

#include <algorithm>
#include <iterator>
#include <thread>

#include "core/error.h"
#include "queue/queue_control.h"

namespace postern::admin {

namespace {
constexpr auto kPoll = std::chrono::milliseconds(100);

std::optional<std::chrono::system_clock::time_point> unlessEpoch(std::chrono::system_clock::time_point t) {
  if (t.time_since_epoch().count() == 0) return std::nullopt;
  return t;
}

core::NotFound noMessage(const std::string& id) {
  return core::NotFound("no message " + id + " in the queue");
}
}  // namespace

// ---- the controls
// ------------------------------------------------------------------------------------------

ControlOutcome ManagerControl::retry(const std::string& id) {
  if (id.empty())
    manager_.retryAll();
  else if (!manager_.retry(id))
    return ControlOutcome{ControlOutcome::Kind::Later, 0, {}};  // in an attempt right now
  return {};
}

ControlOutcome ManagerControl::remove(const std::string& id) {
  if (!manager_.remove(id)) throw noMessage(id);
  // A message in an attempt is removed when the attempt ends.
  if (spool_.load(id)) return ControlOutcome{ControlOutcome::Kind::Later, 0, {}};
  return {};
}

bool ControlFileClient::posted(const queue::ControlRequest& request, ControlOutcome& timedOut) const {
  queue::postControlRequest(spool_.layout(), request);
  const auto deadline = std::chrono::steady_clock::now() + wait_;
  while (queue::controlRequestPending(spool_.layout(), request)) {
    if (std::chrono::steady_clock::now() > deadline) {
      timedOut = ControlOutcome{ControlOutcome::Kind::TimedOut, 0,
                                (spool_.layout().control / request.fileName()).string()};
      return false;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return true;
}

ControlOutcome ControlFileClient::retry(const std::string& id) {
  ControlOutcome outcome;
  posted(queue::ControlRequest{queue::ControlAction::Retry, id}, outcome);
  return outcome;
}

ControlOutcome ControlFileClient::remove(const std::string& id) {
  ControlOutcome outcome;
  if (!posted(queue::ControlRequest{queue::ControlAction::Delete, id}, outcome)) return outcome;
  // Taken: a message in an attempt goes when the attempt ends.
  const auto deadline = std::chrono::steady_clock::now() + wait_;
  while (spool_.load(id) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kPoll);
  if (spool_.load(id)) return ControlOutcome{ControlOutcome::Kind::Later, 0, {}};
  return {};
}

ControlOutcome OfflineControl::retry(const std::string& id) {
  ControlOutcome outcome{ControlOutcome::Kind::Later, 0, {}};
  for (const auto& each : id.empty() ? spool_.list() : std::vector<std::string>{id}) {
    auto m = spool_.load(each);
    if (!m || m->pendingCount() == 0) continue;
    m->progress.nextAttempt = {};
    spool_.updateEnvelope(*m);
    ++outcome.messages;
  }
  return outcome;
}

ControlOutcome OfflineControl::remove(const std::string& id) {
  if (!spool_.remove(id)) throw noMessage(id);
  return {};
}

// ---- the service
// -------------------------------------------------------------------------------------------

MessageView Queue::view(const queue::QueuedMessage& m) {
  MessageView v;
  v.id = m.id;
  v.arrival = m.envelope.arrival;
  v.sender = m.envelope.sender.isNull() ? "" : m.envelope.sender.str();
  v.notification = m.isBounce();
  v.size = m.bodySize + m.prependedHeaders.size();
  v.login = m.envelope.login;
  v.clientAddress = m.envelope.clientAddress;
  v.heloName = m.envelope.heloName;
  v.smtputf8 = m.envelope.smtputf8;
  v.eightBitMime = m.envelope.eightBitMime;
  v.attempts = m.progress.attempts;
  v.lastAttempt = unlessEpoch(m.progress.lastAttempt);
  if (m.pendingCount() > 0) v.nextAttempt = m.progress.nextAttempt;
  v.remote = m.progress.remote;
  for (const auto& r : m.envelope.recipients)
    v.recipients.push_back(
        RecipientView{r.address.str(), std::string(queue::deliveryStateName(r.state)), r.notified, r.reply});
  return v;
}

QueueListing Queue::list() const { return list(0, 0); }

queue::QueuedIds Queue::queuedIds(std::size_t offset, std::size_t limit) const {
  if (index_) return index_->queued(offset, limit);
  std::vector<std::string> ids = spool_.list();  // sorted: IDs sort by arrival
  queue::QueuedIds page;
  page.total = ids.size();
  const std::size_t first = std::min(offset, ids.size());
  const std::size_t last = limit == 0 ? ids.size() : first + std::min(limit, ids.size() - first);
  page.ids.assign(std::make_move_iterator(ids.begin() + static_cast<std::ptrdiff_t>(first)),
                  std::make_move_iterator(ids.begin() + static_cast<std::ptrdiff_t>(last)));
  return page;
}

QueueListing Queue::list(std::size_t offset, std::size_t limit) const {
  QueueListing listing;
  const queue::QueuedIds page = queuedIds(offset, limit);
  listing.total = page.total;
  for (const std::string& id : page.ids) {
    try {
      const auto m = spool_.load(id);
      if (!m) continue;  // delivered or deleted meanwhile
      listing.messages.push_back(view(*m));
      listing.bytes += listing.messages.back().size;
    } catch (const std::exception& e) {
      listing.unreadable.push_back(UnreadableMessage{id, e.what()});
    }
  }
  return listing;
}

std::optional<MessageDetail> Queue::show(const std::string& id) const {
  const auto m = spool_.load(id);
  if (!m) return std::nullopt;
  MessageDetail detail{view(*m), {}};
  try {
    detail.headerSection = queue::Spool::headerSection(*m);
  } catch (const core::Error&) {
    detail.headerSection = m->prependedHeaders;  // the body went with a delivery that ended meanwhile
  }
  return detail;
}

void Queue::requireMessage(const std::string& id) const {
  if (!spool_.load(id)) throw noMessage(id);
}

ControlOutcome Queue::retry(const std::string& id) {
  if (!id.empty()) requireMessage(id);
  return control_.retry(id);
}

ControlOutcome Queue::remove(const std::string& id) {
  requireMessage(id);
  return control_.remove(id);
}

std::vector<store::DeliveryLogRecord> Queue::deliveryLog(const std::string& id, std::size_t limit) const {
  if (!deliveryLog_) throw core::Error::permanent("admin::Queue: no delivery log given");
  auto records = deliveryLog_->recent(id, limit);
  std::reverse(records.begin(), records.end());
  return records;
}

std::vector<store::DeliveryLogRecord> Queue::searchLog(const store::DeliveryLogQuery& query) const {
  if (!deliveryLog_) throw core::Error::permanent("admin::Queue: no delivery log given");
  return deliveryLog_->search(query);
}

}  // namespace postern::admin
