// admin::DomainChecker — when the server's background check of the domains' DNS records runs: the first
// one minute after the server starts (not at once: the administrator's first look at the dashboard should
// not wait on DNS, and a restart loop should not hammer the resolvers), then every dns.check_interval
// after the previous check began; an interval of zero turns it off. A check that fails is not retried
// sooner: the next one is an interval later, as for any other.
//
// Owns: that schedule. The thread that waits for it is the server's (app/); the check is Domains'.
// Must not know: threads, configuration files, logging (runDue() answers what happened).
// Thread-safety: not thread-safe: one thread (the server's checker) calls it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include "admin/domains.h"
#include "core/clock.h"

namespace postern::admin {

class DomainChecker {
 public:
  static constexpr std::chrono::minutes kFirstCheckDelay{1};

  // interval: dns.check_interval; zero turns the check off.
  DomainChecker(Domains& domains, std::chrono::seconds interval,
                const core::Clock& clock = core::SystemClock::instance());

  bool enabled() const { return interval_.count() > 0; }
  bool due() const { return enabled() && clock_.now() >= next_; }
  // How long until due() (zero when it is); nullopt when the check is off.
  std::optional<core::Clock::TimePoint::duration> untilDue() const;

  // When due: schedules the next check and runs Domains::checkAll(), which stops between domains once
  // stopping() says so. Answers the number of domains not checked, or nullopt when it was not due.
  // Throws what checkAll() throws (store::DatabaseError when the domains cannot be read).
  std::optional<std::size_t> runDue(const std::function<bool()>& stopping = {});

 private:
  Domains& domains_;
  const std::chrono::seconds interval_;
  const core::Clock& clock_;
  core::Clock::TimePoint next_;
};

}  // namespace postern::admin
