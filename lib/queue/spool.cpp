#include "queue/spool.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <unistd.h>

#include <cerrno>

#include "core/error.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "queue/dsn.h"
#include "queue/envelope_format.h"

namespace postern::queue {
namespace {

bool pathExists(const std::filesystem::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

Spool::Spool(const std::filesystem::path& root, SpoolOptions options, const core::Clock& clock)
    : layout_(root),
      options_(options),
      ids_(clock),
      queueSyncer_(layout_.queue, [this](const std::filesystem::path& queue) {
        if (options_.syncMethod == SpoolOptions::SyncMethod::Filesystem)
          fs::syncFilesystem(queueDirectory_, queue);
        else
          fs::fsyncFile(queueDirectory_, queue);
      }) {
  const bool createdRoot = fs::ensureDirectory(layout_.root, 0700);
  bool createdSubdirectory = false;
  for (const auto* dir : {&layout_.tmp, &layout_.queue, &layout_.quarantine, &layout_.control}) {
    createdSubdirectory |= fs::ensureDirectory(*dir, 0700);
  }
  // The layout itself must survive a crash, or the first commit's directory fsync would cover a
  // directory that is not yet durably linked into its parent.
  if (createdSubdirectory || createdRoot) fs::syncDirectory(layout_.root);
  if (createdRoot) fs::syncDirectory(layout_.root.has_parent_path() ? layout_.root.parent_path() : ".");
  queueDirectory_ = fs::openFile(layout_.queue, O_RDONLY | O_DIRECTORY);
}

bool Spool::acceptingMail() const {
  std::lock_guard lock(freeSpaceMutex_);
  const auto now = std::chrono::steady_clock::now();
  if (freeSpaceCheckedAt_ && now - *freeSpaceCheckedAt_ < options_.freeSpaceCheckInterval) {
    return freeSpaceSufficient_;
  }
  try {
    freeSpaceSufficient_ = fs::freeBytes(layout_.root) >= options_.minFreeBytes;
  } catch (const core::Error&) {
    // Unknown free space is treated as too little: a 452 now beats a failed commit after DATA.
    freeSpaceSufficient_ = false;
  }
  freeSpaceCheckedAt_ = now;
  return freeSpaceSufficient_;
}

IncomingMessage Spool::begin(const EnvelopeData& envelope) {
  if (envelope.recipients.empty())
    throw core::Error::permanent("queue: a message needs at least one recipient");
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    std::string id = ids_.next();
    // A repeated ID needs another process on this spool or a clock stepped back across a restart, and the
    // same 20 random bits: rare, and the commit's renames never replace a file (IncomingMessage), so a
    // committed message is never overwritten.
    const auto temporaryBody = layout_.temporaryBody(id);
    const int fd = ::open(temporaryBody.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      IncomingMessage message(layout_, queueSyncer_, std::move(id), envelope, fs::FileDescriptor(fd),
                              options_.writeBufferSize,
                              options_.syncMethod == SpoolOptions::SyncMethod::Files);
      if (options_.rememberEnvelopes) message.spool_ = this;
      return message;
    }
    const int err = errno;
    if ((err != EEXIST && err != EINTR) || attempt == kAttempts)
      fs::throwSystemError(err, "create", temporaryBody);
  }
}

std::vector<std::string> Spool::list() const {
  std::vector<std::string> ids;
  for (const std::string& name : fs::listDirectory(layout_.queue)) {
    if (name.size() <= SpoolLayout::kEnvelopeSuffix.size() || !name.ends_with(SpoolLayout::kEnvelopeSuffix))
      continue;
    std::string id = name.substr(0, name.size() - SpoolLayout::kEnvelopeSuffix.size());
    if (isValidQueueId(id)) ids.push_back(std::move(id));
  }
  return ids;  // listDirectory sorts, and IDs sort by arrival
}

void Spool::remember(QueuedMessage message) noexcept {
  std::lock_guard lock(rememberedMutex_);
  if (remembered_.size() >= kRememberedEnvelopes && !remembered_.count(message.id)) return;
  try {
    remembered_[message.id] = std::move(message);
  } catch (...) {
    // Only inserting a new entry allocates, and a failed insert leaves nothing: load() reads the file.
  }
}

void Spool::forget(const std::string& id) noexcept {
  std::lock_guard lock(rememberedMutex_);
  remembered_.erase(id);
}

std::optional<QueuedMessage> Spool::load(const std::string& id) const {
  if (!isValidQueueId(id)) return std::nullopt;
  {
    std::lock_guard lock(rememberedMutex_);
    if (const auto it = remembered_.find(id); it != remembered_.end()) return it->second;
  }
  const auto text = fs::readFileIfExists(layout_.queuedEnvelope(id));
  if (!text) return std::nullopt;
  QueuedMessage message = decodeEnvelope(*text);
  if (message.id != id) throw MalformedEnvelope("envelope " + id + " names message " + message.id);
  message.bodyPath = layout_.queuedBody(id);
  return message;
}

void Spool::updateEnvelope(const QueuedMessage& message) {
  if (!isValidQueueId(message.id) || !pathExists(layout_.queuedEnvelope(message.id))) {
    throw core::Error::permanent("queue " + message.id + ": no such message");
  }
  // Temporary files written here carry fs::isTemporaryName names, which recover() sweeps.
  forget(message.id);  // should the write fail, the next load reads whatever the file holds
  fs::writeFileDurably(layout_.queuedEnvelope(message.id), encodeEnvelope(message), 0600, queueSyncer_);
  if (options_.rememberEnvelopes) {
    QueuedMessage kept = message;
    kept.bodyPath = layout_.queuedBody(message.id);
    remember(std::move(kept));
  }
}

bool Spool::remove(const std::string& id) {
  if (!isValidQueueId(id)) return false;
  forget(id);
  // Envelope first: should we stop between the two, the body alone is an unfinished commit to recovery,
  // not a message to deliver again.
  const bool hadEnvelope = fs::removeFile(layout_.queuedEnvelope(id));
  fs::removeFile(layout_.queuedBody(id));
  return hadEnvelope;
}

std::string Spool::headerSection(const QueuedMessage& message) {
  const fs::FileDescriptor fd = fs::openFile(message.bodyPath, O_RDONLY | O_CLOEXEC);
  std::string head(kHeaderReadLimit, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = ::pread(fd.get(), head.data() + got, head.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fs::throwSystemError(errno, "read", message.bodyPath);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  // A full buffer may end inside a line: one octet less as the limit makes headerSection cut at a line end.
  const std::size_t limit = got == kHeaderReadLimit ? kHeaderReadLimit - 1 : kHeaderReadLimit;
  return message.prependedHeaders + std::string(queue::headerSection(head, limit));
}

std::optional<std::string> Spool::wholeMessage(const QueuedMessage& message, std::size_t limit) {
  if (message.prependedHeaders.size() > limit) return std::nullopt;
  const fs::FileDescriptor fd = fs::openFile(message.bodyPath, O_RDONLY | O_CLOEXEC);
  // One octet more than may fit tells a body that is too large from one that just fits.
  const std::size_t room = limit - message.prependedHeaders.size();
  std::string body(room + 1, '\0');
  std::size_t got = 0;
  while (got < body.size()) {
    const ssize_t n = ::pread(fd.get(), body.data() + got, body.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fs::throwSystemError(errno, "read", message.bodyPath);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > room) return std::nullopt;
  body.resize(got);
  return message.prependedHeaders + body;
}

}  // namespace postern::queue
