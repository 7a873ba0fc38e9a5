#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/socket_wait.h"

using postern::core::TimeoutSetting;
using postern::core::waitReadable;
using namespace std::chrono_literals;

namespace {

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
  ~SocketPair() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(socket_wait)

BOOST_AUTO_TEST_CASE(a_quiet_socket_is_not_readable_and_the_wait_lasts_its_timeout) {
  SocketPair pair;
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(!waitReadable(pair.fds[0], 30ms));
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 30ms));
  BOOST_TEST(!waitReadable(pair.fds[0], 0ms));
}

BOOST_AUTO_TEST_CASE(bytes_waiting_or_a_closed_peer_make_it_readable) {
  SocketPair pair;
  BOOST_TEST_REQUIRE(::write(pair.fds[1], "x", 1) == 1);
  BOOST_TEST(waitReadable(pair.fds[0], 0ms));
  char c;
  BOOST_TEST_REQUIRE(::read(pair.fds[0], &c, 1) == 1);
  BOOST_TEST(!waitReadable(pair.fds[0], 0ms));
  ::close(pair.fds[1]);
  pair.fds[1] = -1;
  BOOST_TEST(waitReadable(pair.fds[0], 1000ms));  // end of stream: the next read returns 0
}

BOOST_AUTO_TEST_CASE(a_signalled_wake_event_ends_the_wait_and_stays_signalled) {
  SocketPair pair;
  postern::core::WakeEvent wake;
  using postern::core::WaitResult;
  BOOST_TEST((waitReadable(pair.fds[0], 0ms, wake.fd()) == WaitResult::TimedOut));
  std::thread signaller([&wake] {
    std::this_thread::sleep_for(20ms);
    wake.signal();
  });
  BOOST_TEST((waitReadable(pair.fds[0], 10s, wake.fd()) == WaitResult::Woken));
  signaller.join();
  BOOST_TEST((waitReadable(pair.fds[0], 10s, wake.fd()) == WaitResult::Woken));  // every later waiter too
  BOOST_TEST_REQUIRE(::write(pair.fds[1], "x", 1) == 1);
  BOOST_TEST((waitReadable(pair.fds[0], 10s, wake.fd()) == WaitResult::Readable));  // input comes first
}

BOOST_AUTO_TEST_CASE(a_timeout_is_set_first_then_only_when_it_changes_much) {
  TimeoutSetting setting;
  BOOST_TEST(setting.needs(1000ms));
  BOOST_TEST(!setting.needs(1000ms));
  BOOST_TEST(!setting.needs(760ms));   // a deadline drawing near, still within 3/4
  BOOST_TEST(!setting.needs(1500ms));  // a little longer: the one in force is close enough
  BOOST_TEST(setting.needs(740ms));    // below 3/4: the deadline must hold
  BOOST_TEST(!setting.needs(740ms));
  BOOST_TEST(setting.needs(1200ms));  // above 3/2 of 740: a new operation's allowance
  setting.forget();
  BOOST_TEST(setting.needs(1200ms));
}

BOOST_AUTO_TEST_SUITE_END()
