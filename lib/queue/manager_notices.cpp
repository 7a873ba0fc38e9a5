// queue::Manager, its notifications: the non-delivery, delay and "relayed" notices (RFC 3464, honouring
// RFC 3461's NOTIFY and RET) that Postern itself queues for a message's sender. See manager.h.
#include <chrono>

#include "core/text.h"
#include "queue/manager.h"

namespace postern::queue {
namespace {

// "smtp.example.net:587" → "smtp.example.net"; "[2001:db8::1]:25" → "2001:db8::1".
std::string hostOf(const std::string& remote) {
  const auto colon = remote.rfind(':');
  std::string host = colon == std::string::npos ? remote : remote.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

bool Manager::notifyFailures(QueuedMessage& message, TimePoint now) {
  std::vector<std::size_t> failed;
  for (std::size_t i = 0; i < message.envelope.recipients.size(); ++i) {
    const Recipient& r = message.envelope.recipients[i];
    if (r.state == DeliveryState::Failed && !r.notified) failed.push_back(i);
  }
  if (failed.empty()) return true;
  if (message.isBounce()) {
    // RFC 5321 §4.5.5 / RFC 3464 §2: a notification about a notification would loop.
    for (const auto i : failed) {
      message.envelope.recipients[i].notified = true;
      logger_.warning(message.id +
                      ": to=" + core::logValue("<" + message.envelope.recipients[i].address.str() + ">") +
                      ", status=dropped (an undeliverable notification is never bounced)");
    }
    return true;
  }
  // RFC 3461 §4.1: only the recipients whose NOTIFY asks for failures (or that gave none) are reported.
  std::vector<std::size_t> reported;
  for (const auto i : failed) {
    Recipient& r = message.envelope.recipients[i];
    if (r.wantsNotice(notify::kFailure)) {
      reported.push_back(i);
    } else {
      r.notified = true;
      logger_.information(message.id + ": to=" + core::logValue("<" + r.address.str() + ">") +
                          ", no non-delivery notification (NOTIFY without FAILURE)");
    }
  }
  if (reported.empty()) return true;
  if (!commitNotification(message, DsnAction::Failed, now, reported)) return false;
  for (const auto i : reported) message.envelope.recipients[i].notified = true;
  return true;
}

bool Manager::notifyRelayed(QueuedMessage& message, TimePoint now) {
  std::vector<std::size_t> relayed;
  for (std::size_t i = 0; i < message.envelope.recipients.size(); ++i) {
    const Recipient& r = message.envelope.recipients[i];
    if (r.state == DeliveryState::Delivered && r.owesNotice()) relayed.push_back(i);
  }
  if (relayed.empty()) return true;
  if (!commitNotification(message, DsnAction::Relayed, now, relayed)) return false;
  for (const auto i : relayed) message.envelope.recipients[i].notified = true;
  return true;
}

bool Manager::delayWarningDue(const QueuedMessage& message, TimePoint now) const {
  return options_.delayWarning.count() != 0 && !message.isBounce() && !message.progress.delayWarned &&
         now - message.envelope.arrival >= options_.delayWarning && message.pendingCount() > 0;
}

bool Manager::warnOfDelay(QueuedMessage& message, TimePoint now) {
  if (!delayWarningDue(message, now)) return false;
  // RFC 3461 §4.1: only recipients whose NOTIFY asks for delays (or that gave none) are warned about.
  std::vector<std::size_t> pending;
  for (const auto i : pendingRecipients(message))
    if (message.envelope.recipients[i].wantsNotice(notify::kDelay)) pending.push_back(i);
  if (!pending.empty() && !commitNotification(message, DsnAction::Delayed, now, pending)) return false;
  message.progress.delayWarned = true;
  return true;
}

bool Manager::commitNotification(const QueuedMessage& message, DsnAction action, TimePoint now,
                                 const std::vector<std::size_t>& recipients) {
  const char* kind = action == DsnAction::Failed    ? "non-delivery notification"
                     : action == DsnAction::Relayed ? "relayed notification"
                                                    : "delay warning";
  try {
    DsnRequest request;
    request.action = action;
    request.reportingMta = options_.hostname;
    request.remoteMta = hostOf(message.progress.remote);
    // Unique per notification: a bounce after a 5xx and a later expiry bounce of the same message differ.
    request.notificationId =
        message.id +
        (action == DsnAction::Failed    ? ".failed."
         : action == DsnAction::Relayed ? ".relayed."
                                        : ".delayed.") +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()) +
        "." + std::to_string(message.progress.attempts);
    request.now = now;
    request.retryUntil = message.envelope.arrival + options_.maxLifetime;
    for (const auto i : recipients) {
      const Recipient& r = message.envelope.recipients[i];
      const bool expired = action == DsnAction::Failed && (r.reply.empty() || r.reply[0] != '5');
      request.recipients.push_back(DsnRecipient{r.address, r.reply, expired, r.orcptType, r.orcpt});
    }
    // RFC 3461 §4.3: RET=FULL returns the whole message in a failure notice, within the size cap; every
    // other notice (and RET=HDRS, or no RET) carries the header section.
    std::optional<std::string> whole;
    if (action == DsnAction::Failed && message.envelope.dsnReturn == DsnReturn::Full) {
      whole = Spool::wholeMessage(message);
      request.fullMessage = whole.has_value();
      request.fullMessageTooLarge = !whole.has_value();
    }
    const std::string returned = whole ? std::move(*whole) : Spool::headerSection(message);
    const DsnMessage dsn = buildDsn(message, returned, request);
    IncomingMessage incoming = spool_.begin(dsn.envelope);
    incoming.write(dsn.content);
    incoming.commit("");
    logger_.notice(message.id + ": sender=" + core::logValue("<" + message.envelope.sender.str() + ">") +
                   ", " + kind + ": " + incoming.queueId());
    enqueue(incoming.queueId());
    return true;
  } catch (const std::exception& e) {
    logger_.error(message.id + ": cannot queue the " + kind + " (" + e.what() + "); will try again");
    return false;
  }
}

}  // namespace postern::queue
