#include "fs/directory_syncer.h"

#include <optional>
#include <string>
#include <utility>

#include "core/error.h"
#include "fs/file_io.h"

namespace postern::fs {

// A round's outcome is kept as data and rethrown as a fresh exception in each waiting thread, so no two
// threads ever share one exception object.
struct DirectorySyncer::Round {
  bool finished = false;
  std::optional<std::string> failure;
  core::Severity severity = core::Severity::Temporary;
  bool insufficientStorage = false;
};

DirectorySyncer::DirectorySyncer(std::filesystem::path directory)
    : DirectorySyncer(std::move(directory), [](const std::filesystem::path& dir) { syncDirectory(dir); }) {}

DirectorySyncer::DirectorySyncer(std::filesystem::path directory, SyncFunction syncFunction)
    : directory_(std::move(directory)),
      syncFunction_(std::move(syncFunction)),
      next_(std::make_shared<Round>()) {}

void DirectorySyncer::sync() {
  std::unique_lock lock(mutex_);
  // Whatever round is running now may have started before our caller's rename: only next_ is certain to
  // start after it.
  const std::shared_ptr<Round> mine = next_;
  while (!mine->finished) {
    if (running_) {
      ++waiting_;
      roundFinished_.wait(lock);
      --waiting_;
      continue;
    }
    // Nobody is syncing and our round has not run, so it is still next_: start it, and let later callers
    // gather behind a fresh one.
    running_ = true;
    next_ = std::make_shared<Round>();
    lock.unlock();
    Round outcome;
    try {
      syncFunction_(directory_);
    } catch (const core::InsufficientStorage& e) {
      outcome.failure = e.what();
      outcome.insufficientStorage = true;
    } catch (const core::Error& e) {
      outcome.failure = e.what();
      outcome.severity = e.severity();
    } catch (const std::exception& e) {
      outcome.failure = e.what();
    } catch (...) {
      outcome.failure = "directory sync of " + directory_.string() + " failed";
    }
    lock.lock();
    mine->failure = std::move(outcome.failure);
    mine->severity = outcome.severity;
    mine->insufficientStorage = outcome.insufficientStorage;
    mine->finished = true;
    running_ = false;
    roundFinished_.notify_all();
  }
  if (mine->failure) rethrow(*mine);
}

void DirectorySyncer::rethrow(const Round& round) {
  if (round.insufficientStorage) throw core::InsufficientStorage(*round.failure);
  throw core::Error(round.severity, *round.failure);
}

std::size_t DirectorySyncer::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace postern::fs
