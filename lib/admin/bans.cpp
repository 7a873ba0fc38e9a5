#include "admin/bans.h"

#include "core/error.h"
#include "core/ip_network.h"

namespace postern::admin {

namespace {
bool looksLikeAddress(std::string_view text) {
  // A client group is an address ("192.0.2.7", "::ffff:…" comes mapped) or an IPv6 /64.
  return core::IpNetwork::parse(text).has_value();
}
}  // namespace

std::vector<BanView> Bans::list(bool includeEnded) {
  const auto now = clock_.now();
  std::vector<BanView> views;
  for (const auto& ban : list_.list()) {
    const bool active = ban.active(now);
    if (!active && !includeEnded) continue;
    views.push_back(BanView{std::string(auth::banKindName(ban.kind)), ban.key, ban.startedAt, ban.until,
                            ban.count, ban.reason, active});
  }
  return views;
}

void Bans::lift(const BanKey& key) {
  if (!list_.lift(key.kind, key.key))
    throw core::NotFound("no ban on " + std::string(auth::banKindName(key.kind)) + " " + key.key);
}

std::size_t Bans::liftAll() { return list_.liftAll(); }

BanKey Bans::makeKey(std::string_view kind, std::string_view key) {
  const auto parsed = auth::parseBanKind(kind);
  if (!parsed) throw core::InvalidValue("kind", "a ban's kind is addr or login");
  if (key.empty() || key.size() > 320) throw core::InvalidValue("key", "a ban's key has 1 to 320 characters");
  return BanKey{*parsed, std::string(key)};
}

BanKey Bans::parseKey(std::string_view text) {
  if (text.rfind("addr:", 0) == 0) return makeKey("addr", text.substr(5));
  if (text.rfind("login:", 0) == 0) return makeKey("login", text.substr(6));
  return makeKey(looksLikeAddress(text) ? "addr" : "login", text);
}

std::string Bans::keyText(const BanView& ban) { return ban.kind + ":" + ban.key; }

}  // namespace postern::admin
