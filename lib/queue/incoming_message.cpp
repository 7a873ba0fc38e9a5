#include "queue/incoming_message.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "core/error.h"
#include "fs/directory_syncer.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "queue/spool.h"
#include "queue/spool_layout.h"

namespace postern::queue {

IncomingMessage::IncomingMessage(const SpoolLayout& layout, fs::DirectorySyncer& queueSyncer, std::string id,
                                 EnvelopeData envelope, fs::FileDescriptor body, std::size_t bufferSize,
                                 bool syncFiles)
    : layout_(&layout),
      queueSyncer_(&queueSyncer),
      id_(std::move(id)),
      envelope_(std::move(envelope)),
      body_(std::move(body)),
      bufferSize_(bufferSize),
      syncFiles_(syncFiles) {
  buffer_.reserve(bufferSize_);
}

IncomingMessage::IncomingMessage(IncomingMessage&& other) noexcept
    : layout_(other.layout_),
      queueSyncer_(other.queueSyncer_),
      spool_(other.spool_),
      id_(std::move(other.id_)),
      envelope_(std::move(other.envelope_)),
      body_(std::move(other.body_)),
      buffer_(std::move(other.buffer_)),
      bufferSize_(other.bufferSize_),
      syncFiles_(other.syncFiles_),
      size_(other.size_),
      state_(std::exchange(other.state_, State::MovedFrom)),
      temporaryEnvelopeCreated_(other.temporaryEnvelopeCreated_),
      bodyQueued_(other.bodyQueued_),
      envelopeQueued_(other.envelopeQueued_) {}

IncomingMessage& IncomingMessage::operator=(IncomingMessage&& other) noexcept {
  if (this != &other) {
    if (state_ == State::Open) abandon();
    layout_ = other.layout_;
    queueSyncer_ = other.queueSyncer_;
    spool_ = other.spool_;
    id_ = std::move(other.id_);
    envelope_ = std::move(other.envelope_);
    body_ = std::move(other.body_);
    buffer_ = std::move(other.buffer_);
    bufferSize_ = other.bufferSize_;
    syncFiles_ = other.syncFiles_;
    size_ = other.size_;
    state_ = std::exchange(other.state_, State::MovedFrom);
    temporaryEnvelopeCreated_ = other.temporaryEnvelopeCreated_;
    bodyQueued_ = other.bodyQueued_;
    envelopeQueued_ = other.envelopeQueued_;
  }
  return *this;
}

IncomingMessage::~IncomingMessage() {
  if (state_ == State::Open) abandon();
}

void IncomingMessage::requireOpen() const {
  switch (state_) {
    case State::Open:
      return;
    case State::Committed:
      throw core::Error::temporary("queue " + id_ + ": message already committed");
    case State::Abandoned:
      throw core::Error::temporary("queue " + id_ + ": message abandoned after an earlier failure");
    case State::MovedFrom:
      break;
  }
  throw core::Error::temporary("queue: use of a moved-from message");
}

void IncomingMessage::write(std::string_view bytes) {
  requireOpen();
  try {
    if (buffer_.size() + bytes.size() > bufferSize_) {
      flushBuffer();
      // A chunk at least as large as the buffer gains nothing from a copy.
      if (bytes.size() >= bufferSize_) {
        fs::writeAll(body_, bytes, layout_->temporaryBody(id_));
        size_ += bytes.size();
        return;
      }
    }
    buffer_.append(bytes);
    size_ += bytes.size();
  } catch (...) {
    abandon();
    throw;
  }
}

void IncomingMessage::flushBuffer() {
  if (buffer_.empty()) return;
  fs::writeAll(body_, buffer_, layout_->temporaryBody(id_));
  buffer_.clear();
}

void IncomingMessage::commit(const std::string& prependedHeaders) {
  requireOpen();
  try {
    publish(prependedHeaders);
  } catch (...) {
    abandon();
    throw;
  }
  state_ = State::Committed;
  std::string().swap(buffer_);
}

void IncomingMessage::publish(const std::string& prependedHeaders) {
  flushBuffer();
  const auto temporaryBody = layout_->temporaryBody(id_);
  if (syncFiles_) fs::fsyncFile(body_, temporaryBody);
  body_.close(temporaryBody);

  QueuedMessage stored{id_, envelope_, size_, prependedHeaders, {}, {}};
  const auto temporaryEnvelope = layout_->temporaryEnvelope(id_);
  {
    auto fd = fs::openFile(temporaryEnvelope, O_WRONLY | O_CREAT | O_EXCL, 0600);
    temporaryEnvelopeCreated_ = true;
    fs::writeAll(fd, encodeEnvelope(stored), temporaryEnvelope);
    if (syncFiles_) fs::fsyncFile(fd, temporaryEnvelope);
    fd.close(temporaryEnvelope);
  }

  // Never over a committed message of the same ID (see Spool::begin): the client is asked to try again.
  if (!fs::renameFileNoReplace(temporaryBody, layout_->queuedBody(id_)))
    throw core::Error::temporary("queue " + id_ + ": the ID is in use by a queued message");
  bodyQueued_ = true;
  if (!fs::renameFileNoReplace(temporaryEnvelope, layout_->queuedEnvelope(id_)))  // the commit point
    throw core::Error::temporary("queue " + id_ + ": the ID is in use by a queued message");
  envelopeQueued_ = true;
  queueSyncer_->sync();
  if (spool_) {
    stored.bodyPath = layout_->queuedBody(id_);
    spool_->remember(std::move(stored));
  }
}

void IncomingMessage::abandon() noexcept {
  state_ = State::Abandoned;
  body_.reset();
  std::string().swap(buffer_);
  try {
    // The envelope goes first: without it a queued body is recognisably unfinished should we stop here.
    if (envelopeQueued_) ::unlink(layout_->queuedEnvelope(id_).c_str());
    if (bodyQueued_) ::unlink(layout_->queuedBody(id_).c_str());
    if (!bodyQueued_) ::unlink(layout_->temporaryBody(id_).c_str());
    if (temporaryEnvelopeCreated_ && !envelopeQueued_) ::unlink(layout_->temporaryEnvelope(id_).c_str());
    // A commit that failed after its renames (the directory sync itself failed) was answered with 4xx:
    // make the removal durable too, best effort, or a crash could resurrect a message the client retries.
    if (envelopeQueued_) queueSyncer_->sync();
  } catch (...) {
    // Only path construction can throw (allocation); recovery sweeps what is left at the next start.
  }
  envelopeQueued_ = bodyQueued_ = temporaryEnvelopeCreated_ = false;
}

}  // namespace postern::queue
