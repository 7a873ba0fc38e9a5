#include "admin/audit.h"

#include <algorithm>

#include "core/error.h"

namespace postern::admin {

namespace {
constexpr std::string_view kFailedPrefix = "failed: ";
constexpr std::size_t kMaxAction = 64;

bool validAction(std::string_view action) {
  if (action.empty() || action.size() > kMaxAction) return false;
  return std::all_of(action.begin(), action.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool validOutcome(std::string_view outcome) {
  return outcome == Audit::kOk || outcome == Audit::kDenied ||
         (outcome.size() > kFailedPrefix.size() && outcome.substr(0, kFailedPrefix.size()) == kFailedPrefix);
}

void cut(std::string& text, std::size_t limit) {
  if (text.size() > limit) text.resize(limit);
}
}  // namespace

Audit::Audit(store::AuditLogRepository& log, const core::Clock& clock, AuditOptions options)
    : log_(log), clock_(clock), options_(options) {
  if (options_.maxEntries == 0)
    throw core::InvalidValue("maxEntries", "the audit log must keep at least one entry");
}

std::string Audit::failed(std::string_view reason) {
  return std::string(kFailedPrefix) + std::string(reason);
}

void Audit::record(AuditEntry entry) {
  if (!validAction(entry.action))
    throw core::InvalidValue("action", "an audit action is 1 to 64 characters of a-z, 0-9, '.', '_', '-'");
  if (!validOutcome(entry.outcome))
    throw core::InvalidValue("outcome", "an audit outcome is \"ok\", \"denied\" or \"failed: <reason>\"");
  cut(entry.actor, kMaxText);
  cut(entry.clientAddress, kMaxText);
  cut(entry.object, kMaxText);
  cut(entry.outcome, kFailedPrefix.size() + kMaxText);
  store::AuditRecord record;
  record.at = entry.time.time_since_epoch().count() == 0 ? clock_.now() : entry.time;
  record.actor = std::move(entry.actor);
  record.clientAddress = std::move(entry.clientAddress);
  record.action = std::move(entry.action);
  record.object = std::move(entry.object);
  record.outcome = std::move(entry.outcome);
  log_.append(record, options_.maxEntries);
}

std::vector<AuditEntry> Audit::list(const AuditQuery& query) {
  store::AuditFilter filter;
  filter.actor = query.actor;
  filter.action = query.action;
  filter.offset = query.offset;
  filter.limit = std::min(query.limit, kMaxLimit);
  std::vector<AuditEntry> entries;
  for (auto& r : log_.list(filter)) {
    AuditEntry e;
    e.time = r.at;
    e.actor = std::move(r.actor);
    e.clientAddress = std::move(r.clientAddress);
    e.action = std::move(r.action);
    e.object = std::move(r.object);
    e.outcome = std::move(r.outcome);
    e.id = r.id;
    entries.push_back(std::move(e));
  }
  return entries;
}

std::size_t Audit::count(const AuditQuery& query) {
  store::AuditFilter filter;
  filter.actor = query.actor;
  filter.action = query.action;
  return log_.count(filter);
}

}  // namespace postern::admin
