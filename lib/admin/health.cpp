#include "admin/health.h"

#include <sys/socket.h>
#include <unistd.h>

#include <exception>

namespace postern::admin {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

HealthReport Health::check() {
  HealthReport report;
  auto fail = [&report](std::string problem) {
    report.healthy = false;
    report.problems.push_back(std::move(problem));
  };
  try {
    if (const auto down = probes_.listenersNotAccepting(); !down.empty())
      fail("SMTP listener not accepting connections: " + joined(down));
  } catch (const std::exception& e) {
    fail(std::string("SMTP listeners cannot be checked: ") + e.what());
  }
  try {
    probes_.queryDatabase();
  } catch (const std::exception& e) {
    fail(std::string("database does not answer: ") + e.what());
  }
  try {
    if (const auto unwritable = probes_.unwritableSpoolDirectories(); !unwritable.empty())
      fail("spool directory not writable: " + joined(unwritable));
  } catch (const std::exception& e) {
    fail(std::string("spool cannot be checked: ") + e.what());
  }
  return report;
}

std::vector<std::string> ServerHealthProbes::listenersNotAccepting() {
  std::vector<std::string> down;
  for (const auto& listener : listeners_) {
    int accepting = 0;
    socklen_t size = sizeof accepting;
    if (::getsockopt(listener.fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) != 0 || accepting == 0)
      down.push_back(listener.address);
  }
  return down;
}

void ServerHealthProbes::queryDatabase() {
  auto connection = database_.acquire();
  auto statement = connection->prepare("SELECT 1");
  statement.step();
}

std::vector<std::string> ServerHealthProbes::unwritableSpoolDirectories() {
  std::vector<std::string> unwritable;
  // access() asks for the permission to create files, not whether the disk has room: a low disk is the
  // intake's 452 and the dashboard's business, not a reason to restart the container.
  for (const auto& directory : spoolDirectories_)
    if (::access(directory.c_str(), W_OK | X_OK) != 0) unwritable.push_back(directory);
  return unwritable;
}

}  // namespace postern::admin
