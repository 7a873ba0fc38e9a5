#include "web/api_bans.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "web/api_support.h"
#include "web/json_body.h"

namespace postern::web {

namespace {
Poco::JSON::Object banJson(const admin::BanView& ban) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("kind", ban.kind);
  json.set("key", ban.key);
  json.set("active", ban.active);
  json.set("startedAt", isoTime(ban.startedAt));
  json.set("until", isoTime(ban.until));
  json.set("count", static_cast<int>(ban.count));
  json.set("reason", ban.reason);
  return json;
}
}  // namespace

void addBanRoutes(Router& router, admin::Bans& bans, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/bans", guard.read([&bans](RequestContext& context) {
    const auto all = context.query("all");
    Poco::JSON::Array items;
    for (const auto& ban : bans.list(all && *all == "true")) items.add(banJson(ban));
    context.sendJson(200, itemsAnswer(items));
  }));

  router.add(Method::Post, "/api/v1/bans/lift", guard.change("ban.lift", [&bans](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"kind", "key"});
    const admin::BanKey key = admin::Bans::makeKey(body.requiredString("kind"), body.requiredString("key"));
    context.auditObject = std::string(auth::banKindName(key.kind)) + ":" + key.key;
    bans.lift(key);
    context.sendNoContent();
  }));

  router.add(Method::Delete, "/api/v1/bans", guard.change("ban.lift_all", [&bans](RequestContext& context) {
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("lifted", static_cast<Poco::UInt64>(bans.liftAll()));
    context.sendJson(200, answer);
  }));
}

}  // namespace postern::web
