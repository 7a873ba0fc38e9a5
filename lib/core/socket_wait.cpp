#include "core/socket_wait.h"

#include <poll.h>

#include <cerrno>
#include <climits>

namespace postern::core {

bool waitReadable(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    const int ms = left.count() <= 0 ? 0 : left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
    const int rc = ::poll(&p, 1, ms);
    if (rc > 0) return true;  // POLLIN, POLLHUP, POLLERR or POLLNVAL: the read that follows reports it
    if (rc == 0) return false;
    if (errno != EINTR) return true;  // let the read report the failure
  }
}

}  // namespace postern::core
