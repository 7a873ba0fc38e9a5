#include "auth/ban_list.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/text.h"

namespace postern::auth {

namespace {
constexpr std::size_t kMaxKeyLength = 320;  // as db/009_auth_bans.sql allows

std::string_view storedKind(BanKind kind) { return kind == BanKind::Address ? "addr" : "login"; }

Ban fromRecord(const store::BanRecord& r) {
  Ban ban;
  ban.kind = r.kind == "login" ? BanKind::Login : BanKind::Address;
  ban.key = r.key;
  ban.startedAt = r.startedAt;
  ban.until = r.until;
  ban.count = r.count;
  ban.reason = r.reason;
  return ban;
}
}  // namespace

std::string_view banKindName(BanKind kind) { return storedKind(kind); }

std::optional<BanKind> parseBanKind(std::string_view text) {
  if (text == "addr") return BanKind::Address;
  if (text == "login") return BanKind::Login;
  return std::nullopt;
}

BanList::BanList(store::BanRepository& repository, const core::Clock& clock, BanOptions options,
                 std::function<void(const Ban&)> banStarted)
    : repository_(repository),
      clock_(clock),
      options_(std::move(options)),
      banStarted_(std::move(banStarted)),
      addressThrottle_(
          clock, FailureThrottleOptions{options_.addressFailures, options_.window, options_.maxTracked}) {
  if (options_.loginFailures == 0 || options_.loginMinAddresses == 0 || options_.banGrowth == 0)
    throw std::invalid_argument(
        "auth::BanList: loginFailures, loginMinAddresses and banGrowth must be at least 1");
  if (options_.banTime.count() <= 0 || options_.banMaxTime < options_.banTime)
    throw std::invalid_argument("auth::BanList: banTime must be positive and banMaxTime at least banTime");
  refresh();
}

std::string BanList::loginKey(std::string_view login) {
  if (login.empty() || login.size() > kMaxKeyLength) return {};
  return core::toLowerAscii(login);
}

bool BanList::exempt(const std::string& address) const {
  return std::any_of(options_.neverBan.begin(), options_.neverBan.end(),
                     [&address](const core::IpNetwork& network) { return network.contains(address); });
}

const Ban* BanList::activeBan(BanKind kind, const std::string& key, TimePoint now) const {
  const auto it = bans_.find(Key{kind, key});
  return it != bans_.end() && it->second.active(now) ? &it->second : nullptr;
}

BanList::Admission BanList::admit(const BanClient& client) {
  refreshIfDue();
  Admission admission;
  if (exempt(client.address)) {
    admission.status_ = Admission::Status::Allowed;
    admission.exempt_ = true;
    return admission;
  }
  // The ban check and the reservation are one step: failed() puts a ban in place before it clears the
  // client's count, so between the two an attempt would see neither and get in past the limit.
  std::lock_guard lock(mutex_);
  if (const Ban* ban = activeBan(BanKind::Address, client.group, clock_.now())) {
    admission.status_ = Admission::Status::Banned;
    admission.until_ = ban->until;
    return admission;
  }
  admission.attempt_ = addressThrottle_.tryReserve(client.group);
  admission.status_ = admission.attempt_ ? Admission::Status::Allowed : Admission::Status::Throttled;
  return admission;
}

void BanList::failed(Admission& admission, const BanClient& client, std::string_view login) {
  if (admission.exempt_ || exempt(client.address)) return;
  const auto now = clock_.now();
  if (admission.attempt_)
    admission.attempt_.confirmFailure();
  else
    addressThrottle_.recordFailure(client.group);  // a step() without start(): still a failed guess
  if (addressThrottle_.failures(client.group) >= options_.addressFailures) {
    // The ban first, then the count forgotten (the ban takes over; after it the client starts afresh):
    // admit() never sees the count gone without the ban in place.
    startBan(BanKind::Address, client.group,
             std::to_string(options_.addressFailures) + " failed logins in " +
                 std::to_string(options_.window.count()) + " s",
             now);
    addressThrottle_.forget(client.group);
  }

  const std::string key = loginKey(login);
  if (key.empty()) return;
  bool ban = false;
  std::size_t addresses = 0;
  {
    std::lock_guard lock(mutex_);
    if (loginFailures_.size() >= options_.maxTracked && loginFailures_.count(key) == 0) {
      // Make room: drop logins whose failures all aged out, else the one failed longest ago.
      auto stalest = loginFailures_.end();
      for (auto it = loginFailures_.begin(); it != loginFailures_.end();) {
        if (it->second.failures.empty() || it->second.failures.back().first <= now - options_.window) {
          it = loginFailures_.erase(it);
          continue;
        }
        if (stalest == loginFailures_.end() ||
            it->second.failures.back().first < stalest->second.failures.back().first)
          stalest = it;
        ++it;
      }
      if (loginFailures_.size() >= options_.maxTracked && stalest != loginFailures_.end())
        loginFailures_.erase(stalest);
    }
    auto& failures = loginFailures_[key].failures;
    failures.emplace_back(now, client.group);
    while (!failures.empty() && failures.front().first <= now - options_.window) failures.pop_front();
    while (failures.size() > options_.loginFailures) failures.pop_front();
    std::set<std::string> groups;
    for (const auto& f : failures) groups.insert(f.second);
    addresses = groups.size();
    if (failures.size() >= options_.loginFailures && addresses >= options_.loginMinAddresses &&
        !activeBan(BanKind::Login, key, now)) {
      ban = true;
      loginFailures_.erase(key);
    }
  }
  if (ban)
    startBan(BanKind::Login, key,
             std::to_string(options_.loginFailures) + " failed logins from " + std::to_string(addresses) +
                 " addresses in " + std::to_string(options_.window.count()) + " s",
             now);
}

bool BanList::mayLogIn(const BanClient& client, std::string_view login) {
  if (exempt(client.address)) return true;
  const std::string key = loginKey(login);
  if (key.empty()) return true;
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto& known = knownAddresses_[key];
  known.erase(
      std::remove_if(known.begin(), known.end(),
                     [&](const KnownAddress& k) { return k.lastLogin <= now - options_.knownAddressMemory; }),
      known.end());
  const auto it = std::find_if(known.begin(), known.end(),
                               [&](const KnownAddress& k) { return k.group == client.group; });
  if (activeBan(BanKind::Login, key, now) && it == known.end()) return false;
  if (it != known.end()) {
    it->lastLogin = now;
  } else {
    if (known.size() >= kKnownAddressesPerLogin)
      known.erase(std::min_element(
          known.begin(), known.end(),
          [](const KnownAddress& a, const KnownAddress& b) { return a.lastLogin < b.lastLogin; }));
    known.push_back(KnownAddress{client.group, now});
  }
  if (knownAddresses_.size() > options_.maxTracked) {
    // Bounded memory: forget the logins whose every known address is stale, else one other login.
    for (auto k = knownAddresses_.begin();
         k != knownAddresses_.end() && knownAddresses_.size() > options_.maxTracked;)
      k = k->first != key ? knownAddresses_.erase(k) : std::next(k);
  }
  return true;
}

std::optional<Ban> BanList::startBan(BanKind kind, const std::string& key, std::string reason,
                                     TimePoint now) {
  Ban ban;
  {
    std::lock_guard lock(mutex_);
    auto& slot = bans_[Key{kind, key}];
    if (slot.active(now)) return std::nullopt;  // a parallel failure got there first
    const bool repeat = !slot.key.empty() && slot.until + options_.banMaxTime > now;
    ban.kind = kind;
    ban.key = key;
    ban.startedAt = now;
    ban.count = repeat ? slot.count + 1 : 1;
    auto length = std::chrono::duration_cast<std::chrono::seconds>(options_.banTime);
    for (unsigned i = 1; i < ban.count && length < options_.banMaxTime; ++i) length *= options_.banGrowth;
    ban.until = now + std::min(length, options_.banMaxTime);
    ban.reason = std::move(reason);
    slot = ban;
    unsaved_.insert(Key{kind, key});
  }
  {
    std::lock_guard storeLock(storeMutex_);
    save(ban);
  }
  if (banStarted_) banStarted_(ban);
  return ban;
}

void BanList::save(const Ban& ban) {
  store::BanRecord record;
  record.kind = std::string(storedKind(ban.kind));
  record.key = ban.key;
  record.startedAt = ban.startedAt;
  record.until = ban.until;
  record.count = ban.count;
  record.reason = ban.reason;
  try {
    repository_.save(record);
  } catch (const std::exception&) {
    // The database is busy or gone: the ban holds in memory, stays in unsaved_, and refresh() writes it
    // again (rather than taking its absence from the table for a lift).
    return;
  }
  std::lock_guard lock(mutex_);
  unsaved_.erase(Key{ban.kind, ban.key});
}

void BanList::refreshIfDue() {
  const auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (refreshing_ || (now >= lastRefresh_ && now - lastRefresh_ < options_.refreshInterval)) return;
    refreshing_ = true;
  }
  try {
    refresh();
  } catch (const std::exception&) {
    // The database is busy or gone: keep what is in memory and try again at the next interval.
    std::lock_guard lock(mutex_);
    lastRefresh_ = now;
  }
  std::lock_guard lock(mutex_);
  refreshing_ = false;
}

void BanList::refresh() {
  std::lock_guard storeLock(storeMutex_);  // no save() runs between the read and the merge
  const auto now = clock_.now();
  repository_.removeEndedBy(now - options_.banMaxTime);
  const auto records = repository_.list();
  std::vector<Ban> unsaved;
  std::vector<Key> lifted;
  {
    std::lock_guard lock(mutex_);
    std::map<Key, Ban> fresh;
    for (const auto& r : records) {
      if (r.kind != "addr" && r.kind != "login") continue;
      Ban ban = fromRecord(r);
      fresh[Key{ban.kind, ban.key}] = std::move(ban);
    }
    for (const auto& [key, ban] : bans_) {
      if (fresh.count(key)) continue;
      if (unsaved_.count(key)) {
        fresh[key] = ban;  // its write failed: not lifted, written again below
        unsaved.push_back(ban);
      } else if (ban.active(now)) {
        lifted.push_back(key);  // gone from the table while active: lifted by another process
      }
    }
    bans_ = std::move(fresh);
    for (const auto& key : lifted)
      if (key.first == BanKind::Login) loginFailures_.erase(key.second);
    lastRefresh_ = now;
  }
  for (const auto& key : lifted)
    if (key.first == BanKind::Address) addressThrottle_.forget(key.second);
  for (const auto& ban : unsaved) save(ban);
}

std::vector<Ban> BanList::list() {
  refresh();
  const auto now = clock_.now();
  std::vector<Ban> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, ban] : bans_) out.push_back(ban);
  }
  std::stable_sort(out.begin(), out.end(),
                   [now](const Ban& a, const Ban& b) { return a.active(now) && !b.active(now); });
  return out;
}

std::size_t BanList::activeCount() {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      bans_.begin(), bans_.end(), [now](const auto& entry) { return entry.second.active(now); }));
}

bool BanList::lift(BanKind kind, const std::string& key) {
  const std::string normalised = kind == BanKind::Login ? loginKey(key) : key;
  std::lock_guard storeLock(storeMutex_);
  const bool stored = repository_.remove(std::string(storedKind(kind)), normalised);
  bool inMemory = false;
  {
    unsaved_.erase(Key{kind, normalised});
    std::lock_guard lock(mutex_);
    inMemory = bans_.erase(Key{kind, normalised}) > 0;
    if (kind == BanKind::Login) loginFailures_.erase(normalised);
  }
  if (kind == BanKind::Address) addressThrottle_.forget(normalised);
  return stored || inMemory;
}

std::size_t BanList::liftAll() {
  std::lock_guard storeLock(storeMutex_);
  const std::size_t stored = repository_.removeAll();
  std::size_t inMemory = 0;
  {
    std::lock_guard lock(mutex_);
    unsaved_.clear();
    inMemory = bans_.size();
    bans_.clear();
    loginFailures_.clear();
  }
  addressThrottle_.forgetAll();  // every client starts afresh, banned or not
  return std::max(stored, inMemory);
}

}  // namespace postern::auth
