#include "web/api_session.h"

#include <Poco/JSON/Array.h>

#include <thread>

#include "core/error.h"
#include "web/http_error.h"

namespace postern::web {

namespace {

// The second factor's state for the sign-in answers, GET /api/v1/me and the account page.
Poco::JSON::Object totpJson(ApiServices& services, const std::string& login) {
  Poco::JSON::Object json(Poco::JSON_PRESERVE_KEY_ORDER);
  const admin::TotpStatus status = services.totp ? services.totp->status(login) : admin::TotpStatus{};
  json.set("enrolled", status.enrolled);
  json.set("pending", status.pending);
  json.set("recoveryCodesLeft", status.recoveryCodesLeft);
  json.set("required", services.requireTotp);
  return json;
}

Poco::JSON::Object signedInAnswer(ApiServices& services, const admin::CreatedSession& session) {
  Poco::JSON::Object me(Poco::JSON_PRESERVE_KEY_ORDER);
  me.set("login", session.view.login);
  me.set("role", std::string(store::adminRoleName(session.view.role)));
  me.set("totp", totpJson(services, session.view.login));
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

HttpError throttled(const SessionEndpointOptions& options) {
  return HttpError(429, "too_many_requests", "too many failed sign-ins: wait a minute and try again", {},
                   {{"Retry-After", std::to_string(options.retryAfter.count())}});
}

admin::AdminTotp& totpOf(ApiServices& services) {
  if (!services.totp) throw HttpError::notFound();
  return *services.totp;
}

// The second factor of one's own account: start, confirm, turn off (README "Admin second factor (TOTP)").
void addOwnTotpRoutes(Router& router, ApiServices& services, const ApiGuard& guard) {
  router.add(Method::Post, "/api/v1/me/totp",
             guard.ownChangeWhileEnrolling("admin.totp.start", [&services](RequestContext& context) {
               const std::string login = context.principal->login;
               context.auditObject = login;
               const admin::TotpEnrollment enrollment = totpOf(services).startEnrollment(login);
               Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
               answer.set("secret", enrollment.secret);
               answer.set("uri", enrollment.uri);
               answer.set("issuer", std::string(admin::AdminTotp::kIssuer));
               answer.set("label", totpOf(services).label(login));
               context.sendJson(200, answer);
             }));

  router.add(Method::Post, "/api/v1/me/totp/confirm",
             guard.ownChangeWhileEnrolling("admin.totp.enroll", [&services](RequestContext& context) {
               const std::string login = context.principal->login;
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"code"});
               const std::string code = body.requiredString("code");
               Poco::JSON::Array codes;
               for (const auto& recovery : totpOf(services).confirmEnrollment(login, code))
                 codes.add(recovery);
               Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
               answer.set("recoveryCodes", codes);
               context.sendJson(200, answer);
             }));

  router.add(Method::Post, "/api/v1/me/totp/disable",
             guard.ownChange("admin.totp.disable", [&services](RequestContext& context) {
               const std::string login = context.principal->login;
               context.auditObject = login;
               const JsonBody body = context.json();
               body.allowOnly({"code", "password"});
               const auto code = body.optionalString("code");
               const auto password = body.optionalString("password");
               if (!code && !password)
                 throw core::InvalidValue("code", "give a current code of the app or the account's password");
               totpOf(services).disable(login, code, password);
               context.sendNoContent();
             }));
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
      throw throttled(options);
    }
    if (result.status == Status::SecondFactor) {
      // No cookie yet: only the code, sent with this token, opens a session.
      Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
      answer.set("secondFactor", "totp");
      answer.set("pending", result.pendingToken);
      context.sendJson(200, answer);
      return;
    }
    if (result.status != Status::Ok || !result.account) {
      guard.record(context, login, "admin.login", login, admin::Audit::failed("wrong login or password"));
      std::this_thread::sleep_for(options.failureDelay);
      throw HttpError(401, "unauthorized", "wrong login or password");
    }
    const admin::CreatedSession session = startSession(context, services, result.account->login);
    guard.record(context, session.view.login, "admin.login", session.view.login, "ok");
    context.sendJson(200, signedInAnswer(services, session));
  });

  // The second step of a sign-in with a second factor: the token from the first and a code.
  router.add(Method::Post, "/api/v1/login/totp", [&services, &guard, options](RequestContext& context) {
    ApiGuard::requireSameOrigin(context);
    const JsonBody body = context.json();
    body.allowOnly({"pending", "code"});
    const std::string pending = body.requiredString("pending");
    const std::string code = body.requiredString("code");
    const std::string client = context.clientAddress.toString();
    const admin::SignInResult result = services.signIn.completeSecondFactor(pending, code, client);
    using Status = admin::SignInResult::Status;
    if (result.status == Status::Throttled) {
      guard.record(context, result.login, "admin.totp.verify", result.login,
                   admin::Audit::failed("throttled"));
      throw throttled(options);
    }
    if (result.status != Status::Ok || !result.account) {
      guard.record(
          context, result.login, "admin.totp.verify", result.login,
          admin::Audit::failed(result.login.empty() ? "unknown or expired sign-in" : "wrong or used code"));
      std::this_thread::sleep_for(options.failureDelay);
      throw HttpError(401, "second_factor_failed",
                      "wrong or already used code: sign in again with your password and a new code");
    }
    if (result.recoveryCodeUsed)
      guard.record(context, result.account->login, "admin.totp.recovery", result.account->login, "ok");
    const admin::CreatedSession session = startSession(context, services, result.account->login);
    guard.record(context, session.view.login, "admin.login", session.view.login, "ok");
    context.sendJson(200, signedInAnswer(services, session));
  });

  router.add(Method::Post, "/api/v1/logout",
             guard.ownChangeWhileEnrolling("admin.logout", [&services](RequestContext& context) {
               context.auditObject = context.principal->login;
               services.sessions.end(context.principal->sessionToken);
               ApiGuard::clearSessionCookie(context);
               context.sendNoContent();
             }));

  router.add(Method::Get, "/api/v1/me", guard.readWhileEnrolling([&services](RequestContext& context) {
    Poco::JSON::Object me(Poco::JSON_PRESERVE_KEY_ORDER);
    me.set("login", context.principal->login);
    me.set("role", context.principal->role);
    me.set("csrf", admin::AdminSessions::csrfTokenFor(context.principal->sessionToken));
    me.set("totp", totpJson(services, context.principal->login));
    context.sendJson(200, me);
  }));

  addOwnTotpRoutes(router, services, guard);

  router.add(Method::Get, "/api/v1/setup", [&services](RequestContext& context) {
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("needed", !services.admins.anyExists());
    answer.set("requireTotp", services.requireTotp);
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
    context.sendJson(201, signedInAnswer(services, session));
  });
}

}  // namespace postern::web
