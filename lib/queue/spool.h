// queue::Spool — the on-disk queue: intake of new messages, start-up recovery, and the read/update/remove
// operations the queue manager and `postern queue list|show` use. Layout: spool_layout.h.
//
// Maps 1:1 onto smtp::Spool: acceptingMail() is acceptingMail(), begin() is begin() (the IncomingMessage
// is the MessageWriter). Implements DESIGN.md "Durability": 250 only after body and envelope are fsynced,
// renamed into queue/ and queue/ is fsynced; recovery removes orphans and quarantines what it cannot trust.
//
// Owns: the spool directory and every file in it. Must not know: SMTP sessions, sockets, SASL.
// Thread-safety: everything is safe from any number of threads, with two rules the caller keeps:
// recover() runs alone at start-up, before the first begin(); and updateEnvelope()/remove() of one message
// are serialised by whoever owns that message's delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "fs/directory_syncer.h"
#include "fs/file_descriptor.h"
#include "queue/envelope.h"
#include "queue/incoming_message.h"
#include "queue/queue_id.h"
#include "queue/spool_layout.h"

namespace postern::queue {

struct SpoolOptions {
  // How a commit becomes durable (DESIGN.md "Durability"). Either way the commit ends in one group commit
  // shared by every message committing at that moment, and 250 follows it.
  //  Filesystem: body and envelope are written and renamed into queue/ without an fsync each; one
  //    syncfs(2) of the spool's filesystem then makes the whole group's bodies, envelopes and renames
  //    durable. Fewest flushes per message; it also flushes whatever else is dirty on that filesystem, so a
  //    spool sharing a filesystem with heavy writers of its own may prefer Files.
  //  Files: an fsync of the body and of the envelope, then one shared fsync of queue/.
  enum class SyncMethod { Filesystem, Files };
  SyncMethod syncMethod = SyncMethod::Filesystem;
  // Below this much free space acceptingMail() says no (MAIL gets 452 4.3.1), leaving room for messages
  // already in flight and for the envelope rewrites delivery needs.
  std::uint64_t minFreeBytes = 100ull * 1024 * 1024;
  // statvfs is cheap but not free; under load one answer per interval is plenty.
  std::chrono::milliseconds freeSpaceCheckInterval{1000};
  std::size_t writeBufferSize = 64 * 1024;
  // Keep the envelopes this process commits or updates in memory for load() (see Spool). For the server,
  // whose spool nobody else writes while it runs; off, every load() reads the file.
  bool rememberEnvelopes = false;
};

struct RecoveryReport {
  std::size_t messages = 0;            // committed messages found intact
  std::size_t removedTemporaries = 0;  // never-acknowledged files deleted: tmp/, envelope-less bodies, debris
  std::size_t quarantined = 0;         // envelopes (with their bodies) and unknown files moved to quarantine/
  std::vector<std::string> ids;        // the intact messages, in arrival order
  std::vector<std::string> notes;      // one line per removal or quarantine, for the log
};

class Spool {
 public:
  // Creates root, root/tmp, root/queue and root/quarantine (mode 0700) when missing.
  explicit Spool(const std::filesystem::path& root, SpoolOptions options = {},
                 const core::Clock& clock = core::SystemClock::instance());
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // False when free space is below options.minFreeBytes, or cannot be determined.
  bool acceptingMail() const;

  // Starts a message. envelope.recipients must not be empty. Throws core::Error
  // (core::InsufficientStorage when the disk is full).
  IncomingMessage begin(const EnvelopeData& envelope);

  // Start-up only: deletes everything in tmp/ and stray temporary files in queue/, deletes bodies whose
  // envelope never arrived, and moves envelopes that do not parse or whose body is missing or of the
  // wrong size (with that body) and unknown files to quarantine/. Never deletes an acknowledged message.
  RecoveryReport recover();

  // IDs of the committed messages, in arrival order.
  std::vector<std::string> list() const;
  // nullopt when no message has this ID (or it is not a valid ID). Throws MalformedEnvelope for an
  // envelope that does not parse, core::Error for I/O failures.
  std::optional<QueuedMessage> load(const std::string& id) const;
  // Rewrites only the envelope (delivery state), durably; the body is never touched. message.id must be
  // queued; throws core::Error otherwise.
  void updateEnvelope(const QueuedMessage& message);
  // Removes a message, envelope first. Returns false when it was not queued. The removal is not flushed
  // on its own: the next commit's group commit covers it. A crash before that may bring the message back
  // and deliver it again (at least once, never lost), as with Postfix.
  bool remove(const std::string& id);
  // The message's header section as it will leave: the fields prepended at commit, then the body file's
  // header section, read from at most its first kHeaderReadLimit octets (never the whole body) and cut at
  // a line end. For notifications and for showing a message to an administrator. Throws core::Error.
  static constexpr std::size_t kHeaderReadLimit = 64 * 1024;
  static std::string headerSection(const QueuedMessage& message);
  // The whole message as it will leave (prepended fields, then the body file) when it is at most limit
  // octets; nullopt when it is larger. For a notice that returns the message (RFC 3461 §4.3 RET=FULL):
  // the same cap as the header section. Throws core::Error.
  static constexpr std::size_t kReturnedMessageLimit = kHeaderReadLimit;
  static std::optional<std::string> wholeMessage(const QueuedMessage& message,
                                                 std::size_t limit = kReturnedMessageLimit);

  const SpoolLayout& layout() const { return layout_; }

  // With SpoolOptions::rememberEnvelopes, envelopes this process committed or updated are kept (up to
  // kRememberedEnvelopes), so that the queue manager's load() of a new message reads nothing from disk. The
  // files stay the truth: updateEnvelope() and remove() keep the copy in step, and every writer of a running
  // server's spool goes through them.
  static constexpr std::size_t kRememberedEnvelopes = 1024;

 private:
  const SpoolLayout layout_;
  const SpoolOptions options_;
  friend class IncomingMessage;
  void remember(QueuedMessage message) noexcept;
  void forget(const std::string& id) noexcept;

  QueueIdGenerator ids_;
  fs::FileDescriptor queueDirectory_;  // held open for the group commit's fsync or syncfs
  fs::DirectorySyncer queueSyncer_;

  mutable std::mutex rememberedMutex_;
  std::unordered_map<std::string, QueuedMessage> remembered_;

  mutable std::mutex freeSpaceMutex_;
  mutable std::optional<std::chrono::steady_clock::time_point> freeSpaceCheckedAt_;
  mutable bool freeSpaceSufficient_ = false;
};

}  // namespace postern::queue
