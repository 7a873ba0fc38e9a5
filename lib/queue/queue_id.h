// queue IDs — the name a message has from "250 Ok: queued as ID" to its removal from the spool.
//
// An ID is 15 characters of Crockford base32 (0-9 and A-Z without I, L, O, U): 11 for the arrival time
// in microseconds since the epoch (enough until the year 3111), then 4 random ones (20 bits) so two
// processes sharing a spool, or a clock stepped back across a restart, do not collide. Fixed width and an
// alphabet in ASCII order make string order arrival order; the characters are safe in file names, logs
// and URLs.
//
// Owns: generation and validation (isValidQueueId is the guard before an ID from the CLI or the admin UI
// becomes a path). Must not know: files, sessions. Thread-safety: QueueIdGenerator::next() is safe from
// any thread; within one generator IDs strictly increase even when the clock does not.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace postern::queue {

inline constexpr std::size_t kQueueIdLength = 15;

class QueueIdGenerator {
 public:
  explicit QueueIdGenerator(const core::Clock& clock = core::SystemClock::instance());
  std::string next();

 private:
  const core::Clock& clock_;
  std::mutex mutex_;
  std::uint64_t lastMicros_ = 0;
  std::mt19937_64 random_;
};

// Exactly the shape next() produces.
bool isValidQueueId(std::string_view id);

// The arrival time an ID carries (to the microsecond); nullopt when id is not a valid queue ID. For the
// age of the oldest queued message without reading its envelope.
std::optional<std::chrono::system_clock::time_point> arrivalOf(std::string_view id);

}  // namespace postern::queue
