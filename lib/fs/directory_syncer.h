// fs::DirectorySyncer — group commit for one directory's fsync.
//
// Many sessions commit into the same queue directory; each needs its rename to be durable before it
// answers 250, but one fsync of the directory covers every rename that happened before the fsync started
// (and one syncfs of its filesystem, which the spool may pass as the SyncFunction, covers the files' data
// as well).
// So a caller of sync() joins the next round: it returns once an fsync that *started after* its request
// has completed. One waiting caller performs that fsync; the others sleep. Callers arriving while a round
// is running join the round after it, so N concurrent commits cost about two fsyncs, not N.
//
// Owns: the round bookkeeping. Must not know: what the directory holds. Thread-safety: fully thread-safe;
// the mutex is never held across the fsync itself.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

namespace postern::fs {

class DirectorySyncer {
 public:
  // Performs the durable part. Tests pass a counting wrapper; production uses fs::syncDirectory.
  using SyncFunction = std::function<void(const std::filesystem::path&)>;

  explicit DirectorySyncer(std::filesystem::path directory);
  DirectorySyncer(std::filesystem::path directory, SyncFunction syncFunction);
  DirectorySyncer(const DirectorySyncer&) = delete;
  DirectorySyncer& operator=(const DirectorySyncer&) = delete;

  // Returns when every change made to the directory before this call is durable. Throws the round's
  // core::Error (core::InsufficientStorage kept as such) to every caller that shared a failed round.
  void sync();

  const std::filesystem::path& directory() const { return directory_; }
  // Callers currently asleep waiting for a round (observability and deterministic tests).
  std::size_t waiting() const;

 private:
  struct Round;
  [[noreturn]] static void rethrow(const Round& round);

  const std::filesystem::path directory_;
  const SyncFunction syncFunction_;
  mutable std::mutex mutex_;
  std::condition_variable roundFinished_;
  std::shared_ptr<Round> next_;  // the round that has not started yet; new callers join it
  bool running_ = false;         // a round's fsync is in progress outside the mutex
  std::size_t waiting_ = 0;
};

}  // namespace postern::fs
