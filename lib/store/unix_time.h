// store unix time — how the store keeps times: whole Unix seconds (UTC) in INTEGER columns. Internal to
// the store's repositories.
#pragma once

#include <chrono>
#include <cstdint>

namespace postern::store {

inline std::int64_t toUnix(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point fromUnix(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace postern::store
