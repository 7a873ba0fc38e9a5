#include "web/api_limits.h"

#include <Poco/JSON/Array.h>

#include "admin/users.h"
#include "core/error.h"
#include "web/api_support.h"
#include "web/http_error.h"
#include "web/json_body.h"

namespace postern::web {

namespace {

Poco::Dynamic::Var overrideJson(const std::optional<std::uint64_t>& value) {
  if (!value) return Poco::Dynamic::Var();
  return static_cast<Poco::UInt64>(*value);
}

Poco::JSON::Object::Ptr limitsJson(const limits::Limits& l) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("messagesPerHour", static_cast<Poco::UInt64>(l.messagesPerHour));
  json->set("recipientsPerDay", static_cast<Poco::UInt64>(l.recipientsPerDay));
  return json;
}

Poco::JSON::Object::Ptr viewJson(const admin::SendingLimitsView& v) {
  Poco::JSON::Object::Ptr overrides = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  overrides->set("messagesPerHour", overrideJson(v.overrides.messagesPerHour));
  overrides->set("recipientsPerDay", overrideJson(v.overrides.recipientsPerDay));
  Poco::JSON::Object::Ptr usage = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  usage->set("messagesLastHour", static_cast<Poco::UInt64>(v.usage.messagesLastHour));
  usage->set("recipientsLastDay", static_cast<Poco::UInt64>(v.usage.recipientsLastDay));
  usage->set("refusalsLastDay", static_cast<Poco::UInt64>(v.usage.refusalsLastDay));
  usage->set("lastRefusal", isoTimeOrNull(v.usage.lastRefusal));
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("login", v.login);
  json->set("overrides", overrides);
  json->set("defaults", limitsJson(v.defaults));
  json->set("effective", limitsJson(v.effective));
  json->set("usage", usage);
  json->set("live", v.live);
  json->set("near", v.near);
  json->set("limited", v.limited);
  return json;
}

std::string pathLogin(const RequestContext& context) {
  try {
    return admin::Users::requireLogin(context.param("login"));
  } catch (const core::InvalidValue&) {
    throw core::NotFound("no such user");
  }
}

// A whole number from 0, or the text "default"; absent: unchanged.
std::optional<std::optional<std::uint64_t>> limitField(const JsonBody& body, const char* field) {
  if (!body.has(field)) return std::nullopt;
  std::optional<std::int64_t> number;
  try {
    number = body.optionalInteger(field);
  } catch (const HttpError&) {
    // Not a number: the only other value is "default" (a wrong type still answers 400 from here).
    const auto text = body.optionalString(field);
    if (*text != "default")
      throw core::InvalidValue(
          field, std::string(field) + " must be a whole number (0 for unlimited) or \"default\"");
    return std::optional<std::optional<std::uint64_t>>(std::optional<std::uint64_t>());
  }
  if (*number < 0)
    throw core::InvalidValue(field, std::string(field) + " cannot be negative (0 means unlimited)");
  return std::optional<std::optional<std::uint64_t>>(static_cast<std::uint64_t>(*number));
}

}  // namespace

void addLimitRoutes(Router& router, admin::SendingLimits& limits, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/limits", guard.read([&limits](RequestContext& context) {
    Poco::JSON::Array items;
    for (const auto& view : limits.active()) items.add(viewJson(view));
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("defaults", limitsJson(limits.defaults()));
    answer.set("nearPercent", admin::SendingLimits::kNearPercent);
    answer.set("items", items);
    context.sendJson(200, answer);
  }));

  router.add(Method::Get, "/api/v1/users/{login}/limits", guard.read([&limits](RequestContext& context) {
    context.sendJson(200, *viewJson(limits.view(pathLogin(context))));
  }));

  router.add(Method::Patch, "/api/v1/users/{login}/limits",
             guard.change("user.limits", [&limits](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"messagesPerHour", "recipientsPerDay"});
               admin::LimitChange change;
               change.messagesPerHour = limitField(body, "messagesPerHour");
               change.recipientsPerDay = limitField(body, "recipientsPerDay");
               context.sendJson(200, *viewJson(limits.change(login, change)));
             }));
}

}  // namespace postern::web
