#include "web/api_routes.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "oauth/presets.h"
#include "web/api_support.h"

namespace postern::web {

namespace {

Poco::JSON::Array stringArray(const std::vector<std::string>& values) {
  Poco::JSON::Array out;
  for (const auto& value : values) out.add(value);
  return out;
}

// A stored mode Postern does not know is shown as stored: the typed value in the view is only a default
// then, and showing it would hide why the route's mail waits.
std::string modeText(const admin::RouteView& route, std::string_view setting, std::string_view name) {
  for (const auto& unknown : route.unknownModes)
    if (unknown.setting == setting) return unknown.stored;
  return std::string(name);
}

Poco::JSON::Object routeJson(const admin::RouteView& route) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("name", route.name);
  out.set("senders", stringArray(route.senders));
  out.set("hosts", stringArray(route.hosts));
  out.set("tls", modeText(route, "tls", modes::tlsModeName(route.tls)));
  out.set("caFile", route.caFile);
  out.set("auth", modeText(route, "auth", modes::authModeName(route.auth)));
  out.set("username", route.username);
  out.set("hasPassword", route.hasPassword);
  out.set("oauthGrant",
          modeText(route, "grant", route.oauthGrant ? modes::grantName(*route.oauthGrant) : ""));
  out.set("oauthTokenUrl", route.oauthTokenUrl);
  out.set("oauthClientId", route.oauthClientId);
  out.set("oauthScope", route.oauthScope);
  out.set("hasClientSecret", route.hasClientSecret);
  out.set("hasRefreshToken", route.hasRefreshToken);
  out.set("maxConnections", route.maxConnections);
  out.set("spf", route.spf);
  out.set("version", route.version);
  out.set("createdAt", isoTime(route.createdAt));
  out.set("updatedAt", isoTime(route.updatedAt));
  return out;
}

Poco::JSON::Object hostCheckJson(const relay::SmarthostCheck& check) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("host", check.host);
  out.set("ok", check.ok);
  out.set("tlsVersion", check.tlsVersion);
  out.set("cipher", check.cipher);
  out.set("certificateVerified", check.certificateVerified);
  out.set("certificateError", check.certificateError);
  out.set("authMechanism", check.authMechanism);
  out.set("authOk", check.authOk);
  out.set("error", check.error);
  return out;
}

// Labels for the UI's choice of provider; a preset without one here shows its name.
struct PresetLabel {
  const char* name;
  const char* label;
  bool needsTenant;
};
constexpr PresetLabel kPresetLabels[] = {{"microsoft365", "Microsoft 365", true},
                                         {"google", "Google Workspace", false}};

Poco::JSON::Object presetJson(const std::string& name) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  const auto* known = std::find_if(std::begin(kPresetLabels), std::end(kPresetLabels),
                                   [&](const PresetLabel& p) { return name == p.name; });
  const bool labelled = known != std::end(kPresetLabels);
  out.set("name", name);
  out.set("label", labelled ? std::string(known->label) : name);
  out.set("needsTenant", labelled && known->needsTenant);
  return out;
}

// admin::RouteChange holds its secrets as plain strings: this wipes them when the handler is done with
// them, whichever way it leaves.
class WipedChange {
 public:
  admin::RouteChange change;
  ~WipedChange() {
    for (auto* secret : {&change.password, &change.oauthClientSecret, &change.oauthRefreshToken})
      if (*secret) {
        const core::SecretString wiped(std::move(**secret));
      }
  }
};

// The contract's fields of POST (with "name") and PATCH (without) mapped onto admin::RouteChange.
void readChange(const JsonBody& body, admin::RouteChange& change) {
  change.preset = body.optionalString("preset");
  change.tenant = body.optionalString("tenant").value_or("");
  change.senders = body.optionalStringList("senders");
  change.hosts = body.optionalStringList("hosts");
  if (const auto tls = body.optionalString("tls")) change.tls = modes::requireTlsMode(*tls);
  if (const auto auth = body.optionalString("auth")) change.auth = modes::requireAuthMode(*auth);
  if (const auto grant = body.optionalString("oauthGrant"); grant && !grant->empty()) {
    // lib/modes names the setting "grant"; the person at the browser filled in "oauthGrant".
    const auto parsed = modes::parseGrant(*grant);
    if (!parsed)
      throw core::InvalidValue("oauthGrant",
                               "oauthGrant must be \"client_credentials\" or \"refresh_token\"");
    change.oauthGrant = *parsed;
  }
  change.caFile = body.optionalString("caFile");
  change.username = body.optionalString("username");
  change.oauthTokenUrl = body.optionalString("oauthTokenUrl");
  change.oauthClientId = body.optionalString("oauthClientId");
  change.oauthScope = body.optionalString("oauthScope");
  if (const auto connections = body.optionalInteger("maxConnections")) {
    if (*connections < 1 || *connections > 1000)
      throw core::InvalidValue("maxConnections", "maxConnections must be between 1 and 1000");
    change.maxConnections = static_cast<int>(*connections);
  }
  change.spf = body.optionalString("spf");
  change.password = body.optionalString("password");
  change.oauthClientSecret = body.optionalString("oauthClientSecret");
  change.oauthRefreshToken = body.optionalString("oauthRefreshToken");
}

admin::RouteView requireRoute(ApiServices& services, const std::string& name) {
  auto route = services.routes.show(name);
  if (!route) throw core::NotFound("no route " + name);
  return std::move(*route);
}

}  // namespace

void addRouteRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/routes", guard.read([&services](RequestContext& context) {
    const std::vector<admin::RouteView> routes = services.routes.list();
    Poco::JSON::Array items;
    bool catchAll = false;
    for (const auto& route : routes) {
      items.add(routeJson(route));
      catchAll = catchAll || std::count(route.senders.begin(), route.senders.end(), "*") > 0;
    }
    Poco::JSON::Object answer = itemsAnswer(items);
    // relay::withConfiguredDefault's rule: the configured smarthost serves mail no route claims, unless a
    // route claims every sender.
    if (services.routes.smarthostConfigured() && !catchAll)
      answer.set("defaultRoute", std::string("config"));
    else
      answer.set("defaultRoute", Poco::Dynamic::Var());
    context.sendJson(200, answer);
  }));

  router.add(Method::Get, "/api/v1/routes/presets", guard.read([](RequestContext& context) {
    Poco::JSON::Array items;
    for (const auto& name : oauth::presetNames()) items.add(presetJson(name));
    context.sendJson(200, itemsAnswer(items));
  }));

  router.add(Method::Get, "/api/v1/routes/test", guard.read([&services](RequestContext& context) {
    const auto sender = context.query("sender");
    if (!sender) throw core::InvalidValue("sender", "give the sender's address: ?sender=alice@example.org");
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("sender", *sender);
    if (const auto route = services.routes.routeFor(*sender))
      answer.set("route", *route);
    else
      answer.set("route", Poco::Dynamic::Var());
    context.sendJson(200, answer);
  }));

  router.add(Method::Post, "/api/v1/routes", guard.change("route.add", [&services](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"name", "preset", "tenant", "senders", "hosts", "tls", "caFile", "auth", "username",
                    "password", "oauthGrant", "oauthTokenUrl", "oauthClientId", "oauthClientSecret",
                    "oauthRefreshToken", "oauthScope", "maxConnections", "spf"});
    const std::string name = body.requiredString("name");
    context.auditObject = name;
    WipedChange wiped;
    readChange(body, wiped.change);
    context.sendJson(201, routeJson(services.routes.add(name, wiped.change)));
  }));

  router.add(Method::Get, "/api/v1/routes/{name}", guard.read([&services](RequestContext& context) {
    context.sendJson(200, routeJson(requireRoute(services, context.param("name"))));
  }));

  router.add(
      Method::Patch, "/api/v1/routes/{name}",
      guard.change("route.change", [&services](RequestContext& context) {
        const std::string& name = context.param("name");
        context.auditObject = name;
        const JsonBody body = context.json();
        body.allowOnly({"preset", "tenant", "senders", "hosts", "tls", "caFile", "auth", "username",
                        "password", "oauthGrant", "oauthTokenUrl", "oauthClientId", "oauthClientSecret",
                        "oauthRefreshToken", "oauthScope", "maxConnections", "spf"});
        WipedChange wiped;
        readChange(body, wiped.change);
        context.sendJson(200, routeJson(services.routes.set(name, wiped.change)));
      }));

  router.add(Method::Delete, "/api/v1/routes/{name}",
             guard.change("route.delete", [&services](RequestContext& context) {
               const std::string& name = context.param("name");
               context.auditObject = name;
               services.routes.remove(name);
               context.sendNoContent();
             }));

  router.add(Method::Post, "/api/v1/routes/{name}/check",
             guard.change("route.check", [&services](RequestContext& context) {
               const std::string& name = context.param("name");
               context.auditObject = name;
               const auto checks = services.checkRoute(name);
               if (!checks) throw core::NotFound("no route " + name);
               Poco::JSON::Array hosts;
               for (const auto& check : *checks) hosts.add(hostCheckJson(check));
               Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
               answer.set("hosts", hosts);
               context.sendJson(200, answer);
             }));
}

}  // namespace postern::web
