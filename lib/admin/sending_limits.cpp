#include "admin/sending_limits.h"

#include <algorithm>

#include "admin/users.h"
#include "core/error.h"

namespace postern::admin {

namespace {
limits::Overrides toOverrides(const store::StoredLimits& stored) {
  limits::Overrides o;
  if (stored.messagesPerHour) o.messagesPerHour = static_cast<std::uint64_t>(*stored.messagesPerHour);
  if (stored.recipientsPerDay) o.recipientsPerDay = static_cast<std::uint64_t>(*stored.recipientsPerDay);
  return o;
}

std::optional<std::int64_t> toStored(const std::optional<std::uint64_t>& value) {
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

void checkLimit(const std::optional<std::optional<std::uint64_t>>& value, const char* field) {
  if (value && *value && **value > limits::kMaxLimit)
    throw core::InvalidValue(field, std::string(field) + " must be at most " +
                                        std::to_string(limits::kMaxLimit) + " (0 for unlimited)");
}

// The larger share of a limit used, in percent (0 when both are unlimited).
double share(const SendingLimitsView& v) {
  double s = 0;
  if (v.effective.messagesPerHour)
    s = std::max(s, 100.0 * static_cast<double>(v.usage.messagesLastHour) /
                        static_cast<double>(v.effective.messagesPerHour));
  if (v.effective.recipientsPerDay)
    s = std::max(s, 100.0 * static_cast<double>(v.usage.recipientsLastDay) /
                        static_cast<double>(v.effective.recipientsPerDay));
  return s;
}
}  // namespace

std::optional<std::uint64_t> parseLimit(std::string_view text, const std::string& field) {
  if (text == "default") return std::nullopt;
  const std::string hint = " (a whole number from 0 to " + std::to_string(limits::kMaxLimit) +
                           ", 0 for unlimited, or \"default\")";
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw core::InvalidValue(field, "not a limit: '" + std::string(text) + "'" + hint);
  const std::uint64_t n = std::stoull(std::string(text));
  if (n > limits::kMaxLimit) throw core::InvalidValue(field, "too large: " + std::string(text) + hint);
  return n;
}

std::vector<limits::UsageBucket> RecordedUsage::loadSince(std::int64_t sinceMinute) {
  std::vector<limits::UsageBucket> out;
  for (const auto& row : repository_.usageSince(sinceMinute))
    out.push_back(limits::UsageBucket{row.login, row.minute, static_cast<std::uint64_t>(row.messages),
                                      static_cast<std::uint64_t>(row.recipients),
                                      static_cast<std::uint64_t>(row.refusals)});
  return out;
}

void RecordedUsage::add(const std::vector<limits::UsageBucket>& deltas) {
  std::vector<store::StoredUsage> rows;
  rows.reserve(deltas.size());
  for (const auto& d : deltas)
    rows.push_back(store::StoredUsage{d.login, d.minute, static_cast<std::int64_t>(d.messages),
                                      static_cast<std::int64_t>(d.recipients),
                                      static_cast<std::int64_t>(d.refusals)});
  repository_.addUsage(rows);
}

SendingLimits::SendingLimits(store::SendingLimitRepository& repository, limits::Limits defaults,
                             const limits::SendingCounter* live, const core::Clock& clock,
                             store::ChangeMonitor* changes)
    : repository_(repository), defaults_(defaults), live_(live), clock_(clock) {
  if (changes) cache_.emplace(*changes);
}

limits::Limits SendingLimits::limitsFor(std::string_view login) {
  const std::string normal = Users::requireLogin(login);
  const auto read = [&] {
    const auto stored = repository_.limits(normal);
    if (!stored) throw core::NotFound("no such user: " + normal);
    return limits::effectiveLimits(defaults_, toOverrides(*stored));
  };
  return cache_ ? cache_->get(normal, read) : read();
}

std::vector<std::pair<std::string, limits::Usage>> SendingLimits::usageOfAll() {
  if (live_) return live_->all();
  limits::SendingCounter recorded(clock_);
  RecordedUsage store(repository_);
  limits::seedFromStore(recorded, store, clock_);
  return recorded.all();
}

SendingLimitsView SendingLimits::make(const std::string& login, const store::StoredLimits& stored,
                                      const limits::Usage& usage) {
  SendingLimitsView v;
  v.login = login;
  v.overrides = toOverrides(stored);
  v.defaults = defaults_;
  v.effective = limits::effectiveLimits(defaults_, v.overrides);
  v.usage = usage;
  v.live = live_ != nullptr;
  const auto atLeast = [](std::uint64_t used, std::uint64_t limit) {
    return limit > 0 && used * 100 >= limit * kNearPercent;
  };
  v.near = atLeast(usage.messagesLastHour, v.effective.messagesPerHour) ||
           atLeast(usage.recipientsLastDay, v.effective.recipientsPerDay);
  v.limited = usage.refusalsLastDay > 0;
  return v;
}

SendingLimitsView SendingLimits::view(std::string_view login) {
  const std::string normal = Users::requireLogin(login);
  const auto stored = repository_.limits(normal);
  if (!stored) throw core::NotFound("no such user: " + normal);
  limits::Usage usage;
  if (live_) {
    usage = live_->usage(normal);
  } else {
    for (auto& [name, u] : usageOfAll())
      if (name == normal) usage = u;
  }
  return make(normal, *stored, usage);
}

SendingLimitsView SendingLimits::change(std::string_view login, const LimitChange& change) {
  const std::string normal = Users::requireLogin(login);
  checkLimit(change.messagesPerHour, "messagesPerHour");
  checkLimit(change.recipientsPerDay, "recipientsPerDay");
  auto stored = repository_.limits(normal);
  if (!stored) throw core::NotFound("no such user: " + normal);
  if (change.messagesPerHour) stored->messagesPerHour = toStored(*change.messagesPerHour);
  if (change.recipientsPerDay) stored->recipientsPerDay = toStored(*change.recipientsPerDay);
  repository_.setLimits(normal, *stored);
  return view(normal);
}

std::vector<SendingLimitsView> SendingLimits::active() {
  const auto stored = repository_.allLimits();
  std::vector<SendingLimitsView> out;
  for (const auto& [login, usage] : usageOfAll()) {
    const auto it = stored.find(login);
    // A deleted user's use is still counted (it comes back if the login is added again) but not shown.
    if (it == stored.end()) continue;
    out.push_back(make(login, it->second, usage));
  }
  std::stable_sort(out.begin(), out.end(), [](const SendingLimitsView& a, const SendingLimitsView& b) {
    return share(a) > share(b);
  });
  return out;
}

std::vector<SendingLimitsView> SendingLimits::limitedRecently() {
  auto all = active();
  all.erase(std::remove_if(all.begin(), all.end(), [](const SendingLimitsView& v) { return !v.limited; }),
            all.end());
  return all;
}

}  // namespace postern::admin
