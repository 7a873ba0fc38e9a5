#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "web/connection_watchdog.h"

using postern::web::ConnectionWatchdog;
using namespace std::chrono_literals;

namespace {

// A connected pair of sockets; the watchdog watches `ours`, the test reads from `peer` without blocking.
struct SocketPair {
  int ours = -1;
  int peer = -1;
  SocketPair() {
    int fds[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    ours = fds[0];
    peer = fds[1];
  }
  ~SocketPair() {
    ::close(ours);
    ::close(peer);
  }
  // True when our side has been shut down: the peer reads end-of-stream instead of "no data yet".
  bool shutDown() const {
    char byte;
    return ::recv(peer, &byte, 1, MSG_DONTWAIT) == 0;
  }
};

const ConnectionWatchdog::TimePoint t0 = ConnectionWatchdog::TimePoint() + 1000s;

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_watchdog)

BOOST_AUTO_TEST_CASE(a_socket_past_its_deadline_is_shut_down) {
  SocketPair pair;
  ConnectionWatchdog watchdog;
  const auto id = watchdog.watch(pair.ours, t0 + 10s);
  BOOST_TEST(watchdog.expire(t0 + 9s) == 0u);
  BOOST_TEST(!pair.shutDown());
  BOOST_TEST(!watchdog.wasShutDown(id));
  BOOST_TEST(watchdog.expire(t0 + 10s) == 1u);
  BOOST_TEST(pair.shutDown());
  BOOST_TEST(watchdog.wasShutDown(id));
  BOOST_TEST(watchdog.expire(t0 + 20s) == 0u);  // once is enough
}

BOOST_AUTO_TEST_CASE(a_socket_without_a_deadline_is_never_due) {
  SocketPair pair;
  ConnectionWatchdog watchdog;
  const auto id = watchdog.watch(pair.ours, t0 + 10s);
  watchdog.setDeadline(id, std::nullopt);
  BOOST_TEST(watchdog.expire(t0 + 1000s) == 0u);
  BOOST_TEST(!pair.shutDown());
}

BOOST_AUTO_TEST_CASE(a_new_deadline_replaces_the_old_one) {
  SocketPair pair;
  ConnectionWatchdog watchdog;
  const auto id = watchdog.watch(pair.ours, t0 + 10s);
  watchdog.setDeadline(id, t0 + 30s);
  BOOST_TEST(watchdog.expire(t0 + 20s) == 0u);
  BOOST_TEST(watchdog.expire(t0 + 30s) == 1u);
}

BOOST_AUTO_TEST_CASE(an_unwatched_socket_is_left_alone) {
  SocketPair pair;
  ConnectionWatchdog watchdog;
  const auto id = watchdog.watch(pair.ours, t0);
  watchdog.unwatch(id);
  BOOST_TEST(watchdog.watched() == 0u);
  BOOST_TEST(watchdog.expireAll() == 0u);
  BOOST_TEST(!pair.shutDown());
}

BOOST_AUTO_TEST_CASE(expire_all_shuts_down_every_socket_due_or_not) {
  SocketPair a;
  SocketPair b;
  ConnectionWatchdog watchdog;
  watchdog.watch(a.ours, std::nullopt);
  watchdog.watch(b.ours, t0 + 100s);
  BOOST_TEST(watchdog.expireAll() == 2u);
  BOOST_TEST(a.shutDown());
  BOOST_TEST(b.shutDown());
}

BOOST_AUTO_TEST_SUITE_END()
