#include "core/socket_wait.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <system_error>

namespace postern::core {

bool waitReadable(int fd, std::chrono::milliseconds timeout) {
  return waitReadable(fd, timeout, -1) == WaitResult::Readable;
}

WaitResult waitReadable(int fd, std::chrono::milliseconds timeout, int wakeFd) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p[2] = {{fd, POLLIN, 0}, {wakeFd, POLLIN, 0}};
    const int ms = left.count() <= 0 ? 0 : left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
    const int rc = ::poll(p, wakeFd >= 0 ? 2 : 1, ms);
    // POLLIN, POLLHUP, POLLERR or POLLNVAL on the socket: the read that follows reports which.
    if (rc > 0) return p[0].revents != 0 ? WaitResult::Readable : WaitResult::Woken;
    if (rc == 0) return WaitResult::TimedOut;
    if (errno != EINTR) return WaitResult::Readable;  // let the read report the failure
  }
}

WakeEvent::WakeEvent() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

WakeEvent::~WakeEvent() {
  if (fd_ >= 0) ::close(fd_);
}

void WakeEvent::signal() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(fd_, &one, sizeof one);  // never read: it stays readable
}

}  // namespace postern::core
