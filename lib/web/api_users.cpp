#include "web/api_users.h"

#include <Poco/JSON/Array.h>

#include "core/error.h"
#include "web/api_support.h"
#include "web/audited_steps.h"

namespace postern::web {

namespace {

// A shared pointer: an object held by value is copied whole into the page's array and again into the
// answer.
Poco::JSON::Object::Ptr userJson(const admin::UserView& user) {
  Poco::JSON::Array::Ptr addresses = new Poco::JSON::Array;
  for (const auto& pattern : user.addresses) addresses->add(pattern);
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("login", user.login);
  json->set("enabled", user.enabled);
  json->set("createdAt", isoTime(user.createdAt));
  json->set("updatedAt", isoTime(user.updatedAt));
  json->set("addresses", addresses);
  return json;
}

// A path names an existing user or nothing: text that is not even a login is "no such user", not a
// complaint about a field the client never filled in.
std::string pathLogin(const RequestContext& context) {
  try {
    return admin::Users::requireLogin(context.param("login"));
  } catch (const core::InvalidValue&) {
    throw core::NotFound("no such user");
  }
}

std::string pathPattern(const RequestContext& context) {
  try {
    return admin::Users::requirePattern(context.param("pattern"));
  } catch (const core::InvalidValue&) {
    throw core::NotFound("no such sender address");
  }
}

admin::UserView existingUser(ApiServices& services, const std::string& login) {
  auto user = services.users.find(login);
  if (!user) throw core::NotFound("no such user: " + login);
  return *user;
}

// An absent or empty filter (?q=) means no filter, as a search box left empty sends it.
std::string queryOrEmpty(const RequestContext& context, const char* name) {
  return context.query(name).value_or("");
}

}  // namespace

void addUserRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/users", guard.read([&services](RequestContext& context) {
    const PageQuery page = pageQuery(context);
    const admin::UserPage found = services.users.search(queryOrEmpty(context, "q"), page.offset, page.limit);
    Poco::JSON::Array items;
    for (const auto& user : found.users) items.add(userJson(user));
    context.sendJson(200, listAnswer(items, found.total, page));
  }));

  router.add(Method::Post, "/api/v1/users", guard.change("user.add", [&services](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"login", "password"});
    const std::string login = body.requiredString("login");
    context.auditObject = login;
    const std::string password = body.requiredString("password");
    const admin::UserView user = services.users.add(login, password);
    context.auditObject = user.login;
    context.sendJson(201, *userJson(user));
  }));

  router.add(Method::Get, "/api/v1/users/{login}", guard.read([&services](RequestContext& context) {
    context.sendJson(200, *userJson(existingUser(services, pathLogin(context))));
  }));

  router.add(Method::Patch, "/api/v1/users/{login}",
             guard.change("user.change", [&services, &guard](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"enabled", "password"});
               const std::optional<bool> enabled = body.optionalBool("enabled");
               const std::optional<std::string> password = body.optionalString("password");
               // Every value is checked before anything changes.
               if (password) admin::Users::checkPasswordPolicy(*password);
               existingUser(services, login);
               std::vector<AuditedStep> steps;
               if (enabled)
                 steps.push_back({*enabled ? "user.enable" : "user.disable",
                                  [&] { services.users.setEnabled(login, *enabled); }});
               if (password)
                 steps.push_back({"user.password", [&] { services.users.setPassword(login, *password); }});
               runAuditedSteps(context, guard, steps);
               context.sendJson(200, *userJson(existingUser(services, login)));
             }));

  router.add(Method::Delete, "/api/v1/users/{login}",
             guard.change("user.delete", [&services](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               services.users.remove(login);
               context.sendNoContent();
             }));

  router.add(Method::Get, "/api/v1/users/{login}/addresses", guard.read([&services](RequestContext& context) {
    Poco::JSON::Array items;
    for (const auto& pattern : services.users.addresses(pathLogin(context))) items.add(pattern);
    context.sendJson(200, itemsAnswer(items));
  }));

  router.add(Method::Post, "/api/v1/users/{login}/addresses",
             guard.change("address.add", [&services](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"pattern"});
               const std::string pattern = body.requiredString("pattern");
               context.auditObject = login + "/" + pattern;
               const std::string stored = services.users.addAddress(login, pattern);
               context.auditObject = login + "/" + stored;
               Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
               answer.set("pattern", stored);
               context.sendJson(201, answer);
             }));

  router.add(Method::Delete, "/api/v1/users/{login}/addresses/{pattern}",
             guard.change("address.remove", [&services](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login + "/" + context.param("pattern");
               const std::string pattern = pathPattern(context);
               context.auditObject = login + "/" + pattern;
               services.users.removeAddress(login, pattern);
               context.sendNoContent();
             }));
}

}  // namespace postern::web
