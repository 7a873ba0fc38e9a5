// admin::Queue — the mail queue as an administrator sees and changes it, for the CLI and the web API:
// list, show (envelope, delivery state and the header section, read from a bounded head of the body,
// never the whole message), retry, delete, and the delivery log.
//
// Changes go through a QueueControl port, because who may change a queued message depends on where the
// caller runs: inside the server it is the queue manager itself (ManagerControl); from a command while a
// server runs, request files the server's manager carries out (ControlFileClient), so a message is never
// deleted under a delivery in progress; with no server running, the spool directly (OfflineControl, used
// only while holding the server's lock).
//
// Which messages there are, and their order, comes from a QueueIndex: inside the server the queue
// manager's schedule (ManagerIndex, no directory listing, so a page costs the same with 10 or 10,000
// messages queued); without one, the spool directory's listing.
//
// Views carry what an administrator reads; the text in them is as stored (clients chose much of it):
// whoever prints it escapes it (core::printable).
// Errors: core::NotFound ("no message ID in the queue"), core::Error for I/O.
// Must not know: HTTP, terminals. Thread-safety: as the spool (reads from any thread); the controls as
// documented on each.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "queue/manager.h"
#include "queue/queue_control.h"
#include "queue/spool.h"
#include "store/delivery_log_repository.h"

namespace postern::admin {

struct RecipientView {
  std::string address;
  std::string state;  // queue::deliveryStateName: pending, delivered, failed
  bool senderNotified = false;
  std::string lastReply;
};

struct MessageView {
  std::string id;
  std::chrono::system_clock::time_point arrival;
  std::string sender;         // "" for the null reverse-path
  bool notification = false;  // a bounce or delay warning Postern made
  std::uint64_t size = 0;     // octets as they will leave (prepended fields and body)
  std::string login, clientAddress, heloName;
  bool smtputf8 = false, eightBitMime = false;
  unsigned attempts = 0;
  std::optional<std::chrono::system_clock::time_point> lastAttempt;
  std::optional<std::chrono::system_clock::time_point> nextAttempt;  // none when nothing is pending
  std::string remote;                                                // the smarthost of the last attempt
  std::vector<RecipientView> recipients;
};

struct UnreadableMessage {
  std::string id;
  std::string error;
};

struct QueueListing {
  std::vector<MessageView> messages;  // in arrival order
  std::vector<UnreadableMessage> unreadable;
  std::uint64_t bytes = 0;  // of the messages listed
  std::size_t total = 0;    // messages in the queue when it was listed (all pages)
};

struct MessageDetail {
  MessageView message;
  std::string headerSection;  // CRLF line ends; at most queue::Spool::kHeaderReadLimit of the body's part
};

struct ControlOutcome {
  enum class Kind {
    Done,      // carried out
    Later,     // recorded: at the server's next start (offline retry), or when the attempt in progress ends
    TimedOut,  // the running server has not taken the request yet; it stays posted
  };
  Kind kind = Kind::Done;
  std::size_t messages = 0;  // retry without a server: how many messages were made due
  std::string detail;        // TimedOut: where the request waits
};

class QueueControl {
 public:
  virtual ~QueueControl() = default;
  // id empty: every message. The caller has checked that a named message exists.
  virtual ControlOutcome retry(const std::string& id) = 0;
  virtual ControlOutcome remove(const std::string& id) = 0;
};

// Inside the server: the queue manager decides (thread-safe, as the manager is).
class ManagerControl final : public QueueControl {
 public:
  ManagerControl(queue::Manager& manager, const queue::Spool& spool) : manager_(manager), spool_(spool) {}
  ControlOutcome retry(const std::string& id) override;
  ControlOutcome remove(const std::string& id) override;

 private:
  queue::Manager& manager_;
  const queue::Spool& spool_;
};

// A command beside a running server: posts a request file and waits up to `wait` for the server's
// manager to carry it out.
class ControlFileClient final : public QueueControl {
 public:
  ControlFileClient(const queue::Spool& spool, std::chrono::milliseconds wait) : spool_(spool), wait_(wait) {}
  ControlOutcome retry(const std::string& id) override;
  ControlOutcome remove(const std::string& id) override;

 private:
  bool posted(const queue::ControlRequest& request, ControlOutcome& timedOut) const;

  const queue::Spool& spool_;
  const std::chrono::milliseconds wait_;
};

// No server running (the caller holds its lock): retry makes pending messages due at the next start,
// delete removes at once.
class OfflineControl final : public QueueControl {
 public:
  explicit OfflineControl(queue::Spool& spool) : spool_(spool) {}
  ControlOutcome retry(const std::string& id) override;
  ControlOutcome remove(const std::string& id) override;

 private:
  queue::Spool& spool_;
};

// The queued IDs in arrival order, one page at a time (limit 0: all from offset), with the total.
// Thread-safe.
class QueueIndex {
 public:
  virtual ~QueueIndex() = default;
  virtual queue::QueuedIds queued(std::size_t offset, std::size_t limit) const = 0;
};

// Inside the server: the manager's schedule, which holds every message from its commit until it leaves.
class ManagerIndex final : public QueueIndex {
 public:
  explicit ManagerIndex(const queue::Manager& manager) : manager_(manager) {}
  queue::QueuedIds queued(std::size_t offset, std::size_t limit) const override {
    return manager_.queued(offset, limit);
  }

 private:
  const queue::Manager& manager_;
};

class Queue {
 public:
  // deliveryLog may be null when the caller needs no log (the spool alone answers list and show). index
  // may be null: the spool directory is listed instead (the CLI, with or without a server running).
  Queue(const queue::Spool& spool, QueueControl& control, store::DeliveryLogRepository* deliveryLog = nullptr,
        const QueueIndex* index = nullptr)
      : spool_(spool), control_(control), deliveryLog_(deliveryLog), index_(index) {}

  QueueListing list() const;
  // One page in arrival order: only the page's envelopes are read. With an index the order and the total
  // come from it; without, from the queue directory's listing (which grows with the queue). limit 0: all.
  QueueListing list(std::size_t offset, std::size_t limit) const;
  std::optional<MessageDetail> show(const std::string& id) const;
  // Throw core::NotFound for an unknown ID (retry with an empty ID means every message).
  ControlOutcome retry(const std::string& id);
  ControlOutcome remove(const std::string& id);
  // The newest `limit` attempts, oldest first; of one message, or of all when id is empty.
  std::vector<store::DeliveryLogRecord> deliveryLog(const std::string& id, std::size_t limit) const;
  // A page of the log, newest first, filtered as the query says (the web API's paged search).
  std::vector<store::DeliveryLogRecord> searchLog(const store::DeliveryLogQuery& query) const;

  static MessageView view(const queue::QueuedMessage& message);

 private:
  void requireMessage(const std::string& id) const;
  queue::QueuedIds queuedIds(std::size_t offset, std::size_t limit) const;

  const queue::Spool& spool_;
  QueueControl& control_;
  store::DeliveryLogRepository* deliveryLog_;
  const QueueIndex* index_;
};

}  // namespace postern::admin
