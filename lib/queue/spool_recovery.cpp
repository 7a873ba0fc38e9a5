// Spool::recover — start-up recovery (DESIGN.md "Durability"). Rules, from what a crash can leave:
//   tmp/*                      intake never acknowledged                     → delete
//   queue/.<name>.tmp-XXXXXX   an envelope rewrite that never got renamed    → delete
//   queue/<id>.msg alone       commit stopped before the envelope rename     → delete (never acknowledged)
//   queue/<id>.env unreadable, or its body missing or of another size        → quarantine/ with the body
//   anything else in queue/    not ours to judge                             → quarantine/
// Acknowledged mail is never deleted: anything with an envelope is either kept or quarantined.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

#include "core/error.h"
#include "fs/durable_write.h"
#include "fs/file_io.h"
#include "queue/envelope_format.h"
#include "queue/spool.h"

namespace postern::queue {
namespace {

std::optional<std::string> idWithSuffix(const std::string& name, std::string_view suffix) {
  if (!name.ends_with(suffix)) return std::nullopt;
  std::string id = name.substr(0, name.size() - suffix.size());
  if (!isValidQueueId(id)) return std::nullopt;
  return id;
}

// Empty when the message is intact, otherwise why not.
std::string problemWith(const SpoolLayout& layout, const std::string& id) {
  try {
    const QueuedMessage message = decodeEnvelope(fs::readFile(layout.queuedEnvelope(id)));
    if (message.id != id) return "envelope names message " + message.id;
    struct stat st {};
    if (::lstat(layout.queuedBody(id).c_str(), &st) != 0) {
      return errno == ENOENT ? std::string("body missing") : std::string("body: ") + std::strerror(errno);
    }
    if (!S_ISREG(st.st_mode)) return "body is not a regular file";
    if (static_cast<std::uint64_t>(st.st_size) != message.bodySize) {
      return "body has " + std::to_string(st.st_size) + " octets, envelope says " +
             std::to_string(message.bodySize);
    }
    return {};
  } catch (const core::Error& e) {
    return e.what();
  }
}

// Moves queue/<name> to quarantine/, never overwriting an earlier quarantined file of the same name.
void moveToQuarantine(const SpoolLayout& layout, const std::string& name) {
  auto target = layout.quarantine / name;
  struct stat st {};
  for (int n = 1; ::lstat(target.c_str(), &st) == 0; ++n) {
    target = layout.quarantine / (name + "." + std::to_string(n));
  }
  fs::renameFile(layout.queue / name, target);
}

}  // namespace

RecoveryReport Spool::recover() {
  RecoveryReport report;

  for (const std::string& name : fs::listDirectory(layout_.tmp)) {
    std::error_code ec;
    std::filesystem::remove_all(layout_.tmp / name, ec);
    if (ec) fs::throwSystemError(ec.value(), "remove", layout_.tmp / name);
    ++report.removedTemporaries;
    report.notes.push_back("removed unfinished intake tmp/" + name);
  }

  bool queueChanged = false;
  bool quarantineChanged = false;
  std::set<std::string> envelopes;
  std::set<std::string> bodies;
  for (const std::string& name : fs::listDirectory(layout_.queue)) {
    if (fs::isTemporaryName(name)) {
      fs::removeFile(layout_.queue / name);
      queueChanged = true;
      ++report.removedTemporaries;
      report.notes.push_back("removed interrupted envelope rewrite queue/" + name);
    } else if (auto envelopeId = idWithSuffix(name, SpoolLayout::kEnvelopeSuffix)) {
      envelopes.insert(std::move(*envelopeId));
    } else if (auto bodyId = idWithSuffix(name, SpoolLayout::kBodySuffix)) {
      bodies.insert(std::move(*bodyId));
    } else {
      moveToQuarantine(layout_, name);
      queueChanged = quarantineChanged = true;
      ++report.quarantined;
      report.notes.push_back("quarantined unrecognised file queue/" + name);
    }
  }

  for (const std::string& id : bodies) {
    if (envelopes.count(id)) continue;
    fs::removeFile(layout_.queuedBody(id));
    queueChanged = true;
    ++report.removedTemporaries;
    report.notes.push_back("removed " + id + ": body without envelope, commit never completed");
  }

  for (const std::string& id : envelopes) {
    const std::string problem = problemWith(layout_, id);
    if (problem.empty()) {
      report.ids.push_back(id);
      ++report.messages;
      continue;
    }
    moveToQuarantine(layout_, id + std::string(SpoolLayout::kEnvelopeSuffix));
    if (bodies.count(id)) moveToQuarantine(layout_, id + std::string(SpoolLayout::kBodySuffix));
    queueChanged = quarantineChanged = true;
    ++report.quarantined;
    report.notes.push_back("quarantined " + id + ": " + problem);
  }

  // Quarantine first: a moved file must exist durably in its new place before its old name may vanish.
  if (quarantineChanged) fs::syncDirectory(layout_.quarantine);
  if (queueChanged) fs::syncDirectory(layout_.queue);
  return report;
}

}  // namespace postern::queue
