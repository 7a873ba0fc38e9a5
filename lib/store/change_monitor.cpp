#include "store/change_monitor.h"

#include "store/statement.h"

namespace postern::store {

ChangeMonitor::ChangeMonitor(const std::string& path)
    : connection_(path, std::chrono::milliseconds(5000)),
      pragma_(connection_.prepare("PRAGMA data_version")) {}

std::uint64_t ChangeMonitor::stamp() {
  std::lock_guard lock(mutex_);
  pragma_.reset();
  const auto version = pragma_.step() ? static_cast<std::uint64_t>(pragma_.columnInt64(0)) : 0;
  pragma_.reset();  // ends the read transaction the step began
  return version;
}

}  // namespace postern::store
