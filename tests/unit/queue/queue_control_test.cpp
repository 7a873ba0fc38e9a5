#include <boost/test/unit_test.hpp>

#include <fcntl.h>

#include <filesystem>
#include <string>
#include <vector>

#include "fs/file_io.h"
#include "queue/queue_control.h"
#include "unit/queue/spool_fixture.h"

using namespace postern::queue;
using postern::testing::namesIn;
using postern::testing::SpoolFixture;

namespace {

std::vector<std::string> problemNames(const ControlScan& scan) {
  std::vector<std::string> names;
  for (const auto& p : scan.problems) names.push_back(p.name);
  return names;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(queue_control, SpoolFixture)

BOOST_AUTO_TEST_CASE(a_posted_request_is_found_by_its_file_name) {
  const ControlRequest retry{ControlAction::Retry, "0123456789ABCDE"};
  postControlRequest(spool.layout(), retry);
  BOOST_TEST(controlRequestPending(spool.layout(), retry));
  const auto scan = scanControlRequests(spool.layout());
  BOOST_TEST(scan.requests == std::vector<ControlRequest>{retry});
  BOOST_TEST(scan.problems.empty());
  completeControlRequest(spool.layout(), retry);
  BOOST_TEST(!controlRequestPending(spool.layout(), retry));
}

BOOST_AUTO_TEST_CASE(
    entries_that_cannot_be_handled_are_skipped_and_the_requests_beside_them_are_still_found) {
  const auto& control = spool.layout().control;
  const ControlRequest all{ControlAction::Retry, ""};
  const ControlRequest deletion{ControlAction::Delete, "0123456789ABCDE"};
  postControlRequest(spool.layout(), all);
  postControlRequest(spool.layout(), deletion);
  // A directory (non-empty: unlink and rmdir both fail), a directory named like a request (a request is a
  // file; carrying it out could never be completed), and a stray file, which is cleared away.
  std::filesystem::create_directories(control / "junk.d" / "inside");
  std::filesystem::create_directories(control / "retry-0123456789ABCDF" / "inside");
  postern::fs::openFile(control / "stray.tmp", O_WRONLY | O_CREAT | O_CLOEXEC);

  const auto scan = scanControlRequests(spool.layout());  // no throw

  BOOST_TEST(scan.requests == (std::vector<ControlRequest>{deletion, all}));
  BOOST_TEST(problemNames(scan) == (std::vector<std::string>{"junk.d", "retry-0123456789ABCDF"}));
  BOOST_TEST(namesIn(control) == (std::vector<std::string>{"delete-0123456789ABCDE", "junk.d",
                                                           "retry-0123456789ABCDF", "retry-all"}));
}

BOOST_AUTO_TEST_SUITE_END()
