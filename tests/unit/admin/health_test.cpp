// admin::Health: which probes make the server healthy and how a failure is reported; and the real probes
// over a listening socket, a migrated database and spool directories.
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "admin/health.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

using namespace postern;

namespace {

struct FakeProbes : admin::HealthProbes {
  std::vector<std::string> down;
  bool databaseAnswers = true;
  std::vector<std::string> unwritable;

  std::vector<std::string> listenersNotAccepting() override { return down; }
  void queryDatabase() override {
    if (!databaseAnswers) throw std::runtime_error("database is locked");
  }
  std::vector<std::string> unwritableSpoolDirectories() override { return unwritable; }
};

bool mentions(const admin::HealthReport& report, const std::string& text) {
  for (const auto& p : report.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

// A TCP socket on loopback, listening or only bound.
struct LoopbackSocket {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  explicit LoopbackSocket(bool listening) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    if (listening) BOOST_REQUIRE(::listen(fd, 1) == 0);
  }
  ~LoopbackSocket() { ::close(fd); }
};

struct DatabaseFixture {
  test::TempDir dir;
  test::FakeClock clock;
  store::Database db{dir.file("postern.db")};
  DatabaseFixture() { store::MigrationRunner(db, clock).run(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(a_server_whose_probes_all_pass_is_healthy_with_no_problems) {
  FakeProbes probes;
  const auto report = admin::Health(probes).check();
  BOOST_TEST(report.healthy);
  BOOST_TEST(report.problems.empty());
}

BOOST_AUTO_TEST_CASE(a_listener_that_is_not_accepting_makes_the_server_unhealthy_and_is_named) {
  FakeProbes probes;
  probes.down = {"0.0.0.0:465"};
  const auto report = admin::Health(probes).check();
  BOOST_TEST(!report.healthy);
  BOOST_TEST(mentions(report, "SMTP listener not accepting connections: 0.0.0.0:465"));
}

BOOST_AUTO_TEST_CASE(a_database_that_does_not_answer_makes_the_server_unhealthy_with_its_error) {
  FakeProbes probes;
  probes.databaseAnswers = false;
  const auto report = admin::Health(probes).check();
  BOOST_TEST(!report.healthy);
  BOOST_TEST(mentions(report, "database does not answer: database is locked"));
}

BOOST_AUTO_TEST_CASE(an_unwritable_spool_directory_makes_the_server_unhealthy_and_is_named) {
  FakeProbes probes;
  probes.unwritable = {"/var/lib/postern/spool/tmp"};
  const auto report = admin::Health(probes).check();
  BOOST_TEST(!report.healthy);
  BOOST_TEST(mentions(report, "spool directory not writable: /var/lib/postern/spool/tmp"));
}

BOOST_AUTO_TEST_CASE(every_failing_probe_is_reported_not_only_the_first) {
  FakeProbes probes;
  probes.down = {"0.0.0.0:587"};
  probes.databaseAnswers = false;
  probes.unwritable = {"/spool/queue"};
  BOOST_TEST(admin::Health(probes).check().problems.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_listening_socket_is_accepting_and_a_socket_that_does_not_listen_is_not) {
  DatabaseFixture fixture;
  LoopbackSocket listening(true), boundOnly(false);
  admin::ServerHealthProbes probes({{"127.0.0.1:587", listening.fd}, {"127.0.0.1:465", boundOnly.fd}},
                                   fixture.db, {});
  BOOST_TEST(probes.listenersNotAccepting() == std::vector<std::string>{"127.0.0.1:465"});
}

BOOST_AUTO_TEST_CASE(the_real_database_probe_answers_on_a_working_database) {
  DatabaseFixture fixture;
  admin::ServerHealthProbes probes({}, fixture.db, {});
  BOOST_CHECK_NO_THROW(probes.queryDatabase());
}

BOOST_AUTO_TEST_CASE(a_missing_spool_directory_counts_as_unwritable) {
  // A missing directory rather than a mode: the tests may run as root, for whom access(W_OK) ignores modes.
  DatabaseFixture fixture;
  const std::string present = fixture.dir.path().string();
  const std::string missing = fixture.dir.file("spool-gone");
  admin::ServerHealthProbes probes({}, fixture.db, {present, missing});
  BOOST_TEST(probes.unwritableSpoolDirectories() == std::vector<std::string>{missing});
}

BOOST_AUTO_TEST_SUITE_END()
