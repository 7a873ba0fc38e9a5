// admin::Status — the figures and advice the admin dashboard opens with: what runs (version, uptime,
// listeners, the certificate clients see), the queue, the last 24 hours of traffic, the first-steps
// checklist, and the problems an administrator should fix, each with the page that fixes it.
//
// Owns the rules for those problems:
// - relay_failing: the newest delivery attempt that was deferred is newer than the newest delivery, and
//   less than an hour old (the smarthost or route is refusing or unreachable);
// - deferred_over_an_hour: the oldest queued message arrived more than an hour ago;
// - domain_without_dkim: an enabled user may send as a domain that has no active DKIM key (receivers
//   then see unsigned mail, and DMARC fails unless SPF aligns);
// - certificate_self_signed / certificate_expiring (within 14 days) / certificate_expired;
// - dns_record: one per domain with a record whose last stored check did not match (Domains::failing());
//   the check itself runs elsewhere (on demand, or the server's background check), never here: the
//   dashboard must not wait on DNS.
// Traffic: accepted comes from an in-memory count (since start, at most 24 h); delivered, deferred and
// bounced (failed or expired) are recipients' attempts from the delivery log.
// Must not know: HTTP, printing. Thread-safety: thread-safe (each source is).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin/domains.h"
#include "core/clock.h"
#include "core/rolling_count.h"
#include "queue/spool.h"
#include "store/delivery_log_repository.h"
#include "store/dkim_key_repository.h"
#include "store/route_repository.h"
#include "store/user_repository.h"
#include "tls/certificate_info.h"

namespace postern::admin {

struct ListenerView {
  std::string kind;  // submission | submissions | alternate | admin | public
  std::string address;
};

// What does not change while the server runs.
struct StatusFacts {
  std::string version;
  std::string hostname;
  std::chrono::system_clock::time_point startedAt;
  std::vector<ListenerView> listeners;
  std::optional<tls::CertificateInfo> certificate;  // the SMTP listeners' certificate
  bool smarthostConfigured = false;                 // relay.smarthost is set: the "config" route exists
};

struct StatusProblem {
  std::string kind;     // see the contract above
  std::string message;  // a sentence for the administrator, saying what to do
  std::string link;     // the UI page that fixes it: "#/routes", "#/queue", "#/dkim", "#/status",
                        // "#/domains/example.org"
};

struct StatusView {
  StatusFacts facts;
  std::chrono::seconds uptime{0};
  std::size_t queueMessages = 0;
  std::optional<std::chrono::system_clock::time_point> oldestArrival;
  std::uint64_t accepted = 0, delivered = 0, deferred = 0, bounced = 0;  // last 24 hours
  std::optional<store::DeliveryLogRecord> lastRelayError;                // newest deferred/failed attempt
  // The first steps, as the dashboard's checklist.
  bool hasUser = false, hasActiveDkimKey = false, hasRoute = false, deliveredOnce = false;
  std::vector<StatusProblem> problems;
};

class Status {
 public:
  // domains: whose stored checks give the dns_record problems; nullptr leaves them out.
  Status(StatusFacts facts, store::UserRepository& users, store::DkimKeyRepository& keys,
         store::RouteRepository& routes, const queue::Spool& spool, store::DeliveryLogRepository& log,
         const core::RollingCount& accepted, Domains* domains,
         const core::Clock& clock = core::SystemClock::instance())
      : facts_(std::move(facts)),
        users_(users),
        keys_(keys),
        routes_(routes),
        spool_(spool),
        log_(log),
        accepted_(accepted),
        domains_(domains),
        clock_(clock) {}

  StatusView now();

  // The domain part of a sender pattern ("@example.org" or "alice@example.org" → "example.org"), lower
  // case; "" when there is none.
  static std::string patternDomain(const std::string& pattern);
  // The dns_record problem of one domain, its records named in plain words.
  static StatusProblem dnsRecordProblem(const FailingDomain& failing);

 private:
  void addProblems(StatusView& view, std::chrono::system_clock::time_point now,
                   const std::optional<store::DeliveryLogRecord>& lastDelivered,
                   const std::vector<store::DkimKeyRecord>& activeKeys);

  const StatusFacts facts_;
  store::UserRepository& users_;
  store::DkimKeyRepository& keys_;
  store::RouteRepository& routes_;
  const queue::Spool& spool_;
  store::DeliveryLogRepository& log_;
  const core::RollingCount& accepted_;
  Domains* const domains_;
  const core::Clock& clock_;
};

}  // namespace postern::admin
