#include "queue/queue_id.h"

#include <algorithm>
#include <chrono>

namespace postern::queue {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford, ascending in ASCII
constexpr std::size_t kTimeDigits = 11;
constexpr std::size_t kRandomDigits = kQueueIdLength - kTimeDigits;

void appendBase32(std::string& out, std::uint64_t value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0;) out += kAlphabet[(value >> (5 * i)) & 31];
}

}  // namespace

QueueIdGenerator::QueueIdGenerator(const core::Clock& clock)
    : clock_(clock), random_(std::random_device{}()) {}

std::string QueueIdGenerator::next() {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().time_since_epoch());
  const auto micros = static_cast<std::uint64_t>(std::max<std::int64_t>(now.count(), 0));
  std::uint64_t stamp;
  std::uint64_t noise;
  {
    std::lock_guard lock(mutex_);
    // Two messages in the same microsecond, or a clock step backwards, still get ordered distinct IDs.
    stamp = std::max(micros, lastMicros_ + 1);
    lastMicros_ = stamp;
    noise = random_();
  }
  std::string id;
  id.reserve(kQueueIdLength);
  appendBase32(id, stamp, kTimeDigits);
  appendBase32(id, noise, kRandomDigits);
  return id;
}

bool isValidQueueId(std::string_view id) {
  return id.size() == kQueueIdLength && std::all_of(id.begin(), id.end(), [](char c) {
           return kAlphabet.find(c) != std::string_view::npos;
         });
}

std::optional<std::chrono::system_clock::time_point> arrivalOf(std::string_view id) {
  if (!isValidQueueId(id)) return std::nullopt;
  std::uint64_t micros = 0;
  for (std::size_t i = 0; i < kTimeDigits; ++i) micros = (micros << 5) | kAlphabet.find(id[i]);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(static_cast<std::int64_t>(micros))));
}

}  // namespace postern::queue
