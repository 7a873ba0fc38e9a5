#include "web/api_admins.h"

#include <Poco/JSON/Array.h>

#include <set>

#include "admin/users.h"
#include "core/error.h"
#include "web/api_support.h"
#include "web/audited_steps.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

Poco::JSON::Object adminJson(const admin::AdminView& account, bool totp) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("login", account.login);
  json.set("role", std::string(admin::adminRoleName(account.role)));
  json.set("enabled", account.enabled);
  json.set("createdAt", isoTime(account.createdAt));
  json.set("lastLogin", isoTimeOrNull(account.lastLoginAt));
  json.set("totp", totp);  // a confirmed second factor
  return json;
}

Poco::JSON::Object adminJson(ApiServices& services, const admin::AdminView& account) {
  return adminJson(account, services.totp && services.totp->enrolled(account.login));
}

Poco::JSON::Object auditJson(const admin::AuditEntry& entry) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  json.set("time", isoTime(entry.time));
  json.set("actor", entry.actor);
  json.set("clientAddress", entry.clientAddress);
  json.set("action", entry.action);
  json.set("object", entry.object);
  json.set("outcome", entry.outcome);
  return json;
}

// Text in the path that is not even a login names no account: 404, like an unknown one.
std::string pathLogin(const RequestContext& context) {
  try {
    return admin::AdminAccounts::requireLogin(context.param("login"));
  } catch (const core::InvalidValue&) {
    throw core::NotFound("no such administrator account");
  }
}

admin::AdminView existingAccount(ApiServices& services, const std::string& login) {
  auto account = services.admins.find(login);
  if (!account) throw core::NotFound("no such administrator account: " + login);
  return *account;
}

// An empty filter (?actor=) is no filter, as a form left empty sends it.
std::optional<std::string> filter(const RequestContext& context, const char* name) {
  auto value = context.query(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

void addAdminRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/admins", guard.adminRead([&services](RequestContext& context) {
    Poco::JSON::Array items;
    const std::set<std::string> withTotp =
        services.totp ? services.totp->enrolledLogins() : std::set<std::string>{};
    for (const auto& account : services.admins.list())
      items.add(adminJson(account, withTotp.count(account.login) > 0));
    context.sendJson(200, itemsAnswer(items));
  }));

  router.add(Method::Post, "/api/v1/admins", guard.change("admin.add", [&services](RequestContext& context) {
    const JsonBody body = context.json();
    body.allowOnly({"login", "password", "role"});
    const std::string login = body.requiredString("login");
    context.auditObject = login;
    const std::string password = body.requiredString("password");
    const admin::AdminRole role = admin::AdminAccounts::requireRole(body.requiredString("role"));
    const admin::AdminView account = services.admins.add(login, password, role);
    context.auditObject = account.login;
    context.sendJson(201, adminJson(services, account));
  }));

  // ownChange: a viewer may reach this for its own password; everything else is checked for role admin
  // below, once the body says what is asked.
  router.add(Method::Patch, "/api/v1/admins/{login}",
             guard.ownChange("admin.change", [&services, &guard](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"role", "enabled", "password"});
               // What is asked decides who may ask it, before any value is judged: a viewer's attempt at
               // another account or at a role is 403 whatever the value (never a 422 that would tell it
               // which values exist).
               const bool ownPasswordOnly =
                   login == context.principal->login && !body.has("role") && !body.has("enabled");
               if (context.principal->role != "admin" && !ownPasswordOnly) {
                 if (body.has("role"))
                   context.auditAction = "admin.role";
                 else if (!body.has("enabled"))
                   context.auditAction = "admin.password";
                 throw HttpError(403, "forbidden", "role viewer may change only its own password");
               }
               const std::optional<std::string> roleText = body.optionalString("role");
               const std::optional<bool> enabled = body.optionalBool("enabled");
               const std::optional<std::string> password = body.optionalString("password");

               std::vector<AuditedStep> steps;
               std::optional<admin::AdminRole> role;
               if (roleText) {
                 role = admin::AdminAccounts::requireRole(*roleText);
                 steps.push_back({"admin.role", [&] { services.admins.setRole(login, *role); }});
               }
               if (enabled)
                 steps.push_back({*enabled ? "admin.enable" : "admin.disable",
                                  [&] { services.admins.setEnabled(login, *enabled); }});
               if (password) {
                 admin::Users::checkPasswordPolicy(*password);
                 const std::string keep = context.principal->sessionToken;
                 steps.push_back({"admin.password", [&services, &login, &password, keep] {
                                    services.admins.setPassword(login, *password, keep);
                                  }});
               }
               existingAccount(services, login);
               runAuditedSteps(context, guard, steps);
               context.sendJson(200, adminJson(services, existingAccount(services, login)));
             }));

  router.add(Method::Delete, "/api/v1/admins/{login}",
             guard.change("admin.delete", [&services](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               services.admins.remove(login);
               context.sendNoContent();
             }));

  // A colleague's lost phone: removes the account's second factor and recovery codes, so its next sign-in
  // needs the password only (and, with admin.require_totp, a new enrollment).
  router.add(Method::Delete, "/api/v1/admins/{login}/totp",
             guard.change("admin.totp.reset", [&services](RequestContext& context) {
               const std::string login = pathLogin(context);
               context.auditObject = login;
               if (!services.totp || !services.totp->reset(login))
                 throw core::NotFound("no second factor is set up for " + login);
               context.sendNoContent();
             }));
}

void addAuditRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Get, "/api/v1/audit", guard.read([&services](RequestContext& context) {
    const PageQuery page = pageQuery(context);
    admin::AuditQuery query;
    query.actor = filter(context, "actor");
    query.action = filter(context, "action");
    query.offset = page.offset;
    query.limit = page.limit;
    Poco::JSON::Array items;
    for (const auto& entry : services.audit.list(query)) items.add(auditJson(entry));
    context.sendJson(200, listAnswer(items, services.audit.count(query), page));
  }));
}

}  // namespace postern::web
