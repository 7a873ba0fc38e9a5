#include "admin/domain_checker.h"

#include <algorithm>

namespace postern::admin {

DomainChecker::DomainChecker(Domains& domains, std::chrono::seconds interval, const core::Clock& clock)
    : domains_(domains), interval_(interval), clock_(clock), next_(clock.now() + kFirstCheckDelay) {}

std::optional<core::Clock::TimePoint::duration> DomainChecker::untilDue() const {
  if (!enabled()) return std::nullopt;
  return std::max(core::Clock::TimePoint::duration::zero(), next_ - clock_.now());
}

std::optional<std::size_t> DomainChecker::runDue(const std::function<bool()>& stopping) {
  if (!due()) return std::nullopt;
  // Scheduled before the check runs, so that a check which throws is not repeated at once.
  next_ = clock_.now() + interval_;
  return domains_.checkAll(stopping);
}

}  // namespace postern::admin
