#include "web/api_session.h"

#include <thread>

#include "core/error.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

Poco::JSON::Object signedInAnswer(const admin::CreatedSession& session) {
  Poco::JSON::Object me(Poco::JSON_PRESERVE_KEY_ORDER);
  me.set("login", session.view.login);
  me.set("role", std::string(store::adminRoleName(session.view.role)));
  Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
  answer.set("csrf", session.csrfToken);
  answer.set("me", me);
  return answer;
}

// A fresh session for the login; the one the browser presented (if any) ends: a sign-in never continues a
// session that existed before it.
admin::CreatedSession startSession(RequestContext& context, ApiServices& services, const std::string& login) {
  if (const std::string old = ApiGuard::sessionCookie(context); !old.empty()) services.sessions.end(old);
  admin::CreatedSession session = services.sessions.create(login, context.clientAddress.toString());
  ApiGuard::setSessionCookie(context, session.token);
  return session;
}

}  // namespace

void addSessionRoutes(Router& router, ApiServices& services, const ApiGuard& guard,
                      SessionEndpointOptions options) {
  router.add(Method::Post, "/api/v1/login", [&services, &guard, options](RequestContext& context) {
    ApiGuard::requireSameOrigin(context);
    const JsonBody body = context.json();
    body.allowOnly({"login", "password"});
    const std::string login = body.requiredString("login");
    const std::string password = body.requiredString("password");
    const std::string client = context.clientAddress.toString();
    const admin::SignInResult result = services.signIn.signIn(login, password, client);
    using Status = admin::SignInResult::Status;
    if (result.status == Status::Throttled) {
      guard.record(context, login, "admin.login", login, admin::Audit::failed("throttled"));
      throw HttpError(429, "too_many_requests", "too many failed sign-ins: wait a minute and try again", {},
                      {{"Retry-After", std::to_string(options.retryAfter.count())}});
    }
    if (result.status != Status::Ok || !result.account) {
      guard.record(context, login, "admin.login", login, admin::Audit::failed("wrong login or password"));
      std::this_thread::sleep_for(options.failureDelay);
      throw HttpError(401, "unauthorized", "wrong login or password");
    }
    const admin::CreatedSession session = startSession(context, services, result.account->login);
    guard.record(context, session.view.login, "admin.login", session.view.login, "ok");
    context.sendJson(200, signedInAnswer(session));
  });

  router.add(Method::Post, "/api/v1/logout",
             guard.ownChange("admin.logout", [&services](RequestContext& context) {
               context.auditObject = context.principal->login;
               services.sessions.end(context.principal->sessionToken);
               ApiGuard::clearSessionCookie(context);
               context.sendNoContent();
             }));

  router.add(Method::Get, "/api/v1/me", guard.read([](RequestContext& context) {
    Poco::JSON::Object me(Poco::JSON_PRESERVE_KEY_ORDER);
    me.set("login", context.principal->login);
    me.set("role", context.principal->role);
    me.set("csrf", admin::AdminSessions::csrfTokenFor(context.principal->sessionToken));
    context.sendJson(200, me);
  }));

  router.add(Method::Get, "/api/v1/setup", [&services](RequestContext& context) {
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("needed", !services.admins.anyExists());
    context.sendJson(200, answer);
  });

  router.add(Method::Post, "/api/v1/setup", [&services, &guard](RequestContext& context) {
    ApiGuard::requireSameOrigin(context);
    const JsonBody body = context.json();
    body.allowOnly({"token", "login", "password"});
    const std::string token = body.requiredString("token");
    const std::string login = body.requiredString("login");
    const std::string password = body.requiredString("password");
    admin::AdminView created;
    try {
      created = services.setupTokens.redeem(token, login, password);
    } catch (const core::NotFound&) {
      guard.record(context, login, "admin.setup", login, "denied");
      throw HttpError(403, "forbidden", "the setup link is invalid or has expired");
    } catch (const core::Conflict&) {
      guard.record(context, login, "admin.setup", login, "denied");
      throw HttpError(403, "forbidden", "the setup link is invalid or has expired");
    }
    guard.record(context, created.login, "admin.setup", created.login, "ok");
    const admin::CreatedSession session = startSession(context, services, created.login);
    context.sendJson(201, signedInAnswer(session));
  });
}

}  // namespace postern::web
