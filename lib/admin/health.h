// admin::Health — whether this server can do its work right now, for /healthz and `postern healthcheck`
// (container health checks, load balancers, monitoring): the SMTP listeners are accepting, the database
// answers a query, and the spool's directories are writable.
//
// Owns: which probes make a server healthy and the reason given when one fails. The probes are cheap on
// purpose (a health check runs every few seconds): no write, no fsync, no message sent.
// Must not know: HTTP, printing, how a probe is carried out (HealthProbes below; app/ wires the real ones).
// Thread-safety: check() may run on many threads at once when the probes may (the real ones are).
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace postern::admin {

// What Health asks of the running server.
class HealthProbes {
 public:
  virtual ~HealthProbes() = default;
  // The SMTP listeners that are not accepting connections, by address ("0.0.0.0:587"); empty when all are.
  virtual std::vector<std::string> listenersNotAccepting() = 0;
  // Runs a trivial query; throws (any std::exception) when the database does not answer.
  virtual void queryDatabase() = 0;
  // The spool directories this process cannot write to (create files in); empty when it can write to all.
  virtual std::vector<std::string> unwritableSpoolDirectories() = 0;
};

struct HealthReport {
  bool healthy = true;
  std::vector<std::string> problems;  // one sentence each, naming what failed; empty when healthy
};

class Health {
 public:
  explicit Health(HealthProbes& probes) : probes_(probes) {}

  // Runs every probe (one failing does not hide the others) and reports all that failed.
  HealthReport check();

 private:
  HealthProbes& probes_;
};

// The real probes, over what runServer() owns: listening sockets (asked with SO_ACCEPTCONN, so a socket
// closed or shut down counts as not accepting), the database (SELECT 1 on a pooled connection) and the
// spool directories (access(W_OK)).
class ServerHealthProbes : public HealthProbes {
 public:
  struct Listener {
    std::string address;
    int fd = -1;
  };
  ServerHealthProbes(std::vector<Listener> listeners, store::Database& database,
                     std::vector<std::string> spoolDirectories)
      : listeners_(std::move(listeners)),
        database_(database),
        spoolDirectories_(std::move(spoolDirectories)) {}

  std::vector<std::string> listenersNotAccepting() override;
  void queryDatabase() override;
  std::vector<std::string> unwritableSpoolDirectories() override;

 private:
  const std::vector<Listener> listeners_;
  store::Database& database_;
  const std::vector<std::string> spoolDirectories_;
};

}  // namespace postern::admin
