// queue::IncomingMessage — one message being received, as a transaction (STYLE.md §7): bytes go to
// tmp/<id>.msg; commit() makes message and envelope durable in queue/; destruction without a successful
// commit removes everything it wrote.
//
// Maps 1:1 onto smtp::MessageWriter (queueId, write, commit), so app/ adapts it without copying bodies.
//
// commit(), in this order (DESIGN.md "Durability"):
//   1. flush the write buffer and close the body (fsync it first when the spool syncs files one by one);
//   2. write the envelope to tmp/<id>.env (fsync it likewise);
//   3. rename the body into queue/, then the envelope (the envelope's presence is the commit point: a body
//      in queue/ without one is an unfinished commit and recovery deletes it);
//   4. the group commit through the spool's shared DirectorySyncer: one syncfs of the spool's filesystem
//      (or one fsync of queue/ after the per-file fsyncs) covers every message committing at that moment;
//   5. only then return, and only then may the session answer 250.
// Any failure throws core::Error (core::InsufficientStorage for a full disk or quota) and removes the files,
// queue/ included, so the client's retry is the only copy.
//
// Must not know: sessions, sockets, SASL. Thread-safety: one thread at a time per message; many messages
// may be in flight at once on different threads. The Spool must outlive its messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fs/file_descriptor.h"
#include "queue/envelope.h"

namespace postern::fs {
class DirectorySyncer;
}

namespace postern::queue {

class Spool;
struct SpoolLayout;

class IncomingMessage {
 public:
  IncomingMessage(IncomingMessage&& other) noexcept;
  IncomingMessage& operator=(IncomingMessage&& other) noexcept;
  IncomingMessage(const IncomingMessage&) = delete;
  IncomingMessage& operator=(const IncomingMessage&) = delete;
  ~IncomingMessage();

  const std::string& queueId() const { return id_; }
  // Appends message bytes, buffered. After a failure the message is abandoned: its files are removed at
  // once (freeing the disk that was short) and every later call throws.
  void write(std::string_view bytes);
  // prependedHeaders: zero or more complete "Name: value\r\n" fields, stored in the envelope so the body
  // file is never rewritten. Returns only when the message is durable.
  void commit(const std::string& prependedHeaders);

  std::uint64_t size() const { return size_; }  // body octets accepted so far
  bool committed() const { return state_ == State::Committed; }

 private:
  friend class Spool;
  enum class State { Open, Committed, Abandoned, MovedFrom };

  IncomingMessage(const SpoolLayout& layout, fs::DirectorySyncer& queueSyncer, std::string id,
                  EnvelopeData envelope, fs::FileDescriptor body, std::size_t bufferSize, bool syncFiles);
  void requireOpen() const;
  void flushBuffer();
  void publish(const std::string& prependedHeaders);
  // Removes every file this message created, wherever it got to. Never throws.
  void abandon() noexcept;

  const SpoolLayout* layout_;
  fs::DirectorySyncer* queueSyncer_;
  Spool* spool_ = nullptr;  // told of the committed message, so its first load needs no read
  std::string id_;
  EnvelopeData envelope_;
  fs::FileDescriptor body_;
  std::string buffer_;
  std::size_t bufferSize_;
  bool syncFiles_ = true;  // fsync body and envelope each (SpoolOptions::SyncMethod::Files)
  std::uint64_t size_ = 0;
  State state_ = State::Open;
  bool temporaryEnvelopeCreated_ = false;
  bool bodyQueued_ = false;
  bool envelopeQueued_ = false;
};

}  // namespace postern::queue
