#include "web/api_guard.h"

#include <Poco/Logger.h>
#include <Poco/Net/NameValueCollection.h>

#include "core/text.h"
#include "web/http_error.h"
#include "web/json_response.h"

namespace postern::web {

namespace {

HttpError unauthorized() { return HttpError(401, "unauthorized", "sign in first (the session has ended)"); }

HttpError forbidden(const std::string& why) { return HttpError(403, "forbidden", why); }

std::string outcomeOf(const std::exception_ptr& error) {
  const ErrorAnswer answer = errorAnswer(error);
  if (answer.status == 403) return "denied";
  return admin::Audit::failed(answer.code + (answer.status >= 500 ? "" : ": " + answer.message));
}

const std::string& actionOf(const RequestContext& context, const std::string& registered) {
  return context.auditAction.empty() ? registered : context.auditAction;
}

}  // namespace

std::string ApiGuard::sessionCookie(const RequestContext& context) {
  Poco::Net::NameValueCollection cookies;
  context.request.getCookies(cookies);
  return cookies.get(kSessionCookie, "");
}

void ApiGuard::setSessionCookie(RequestContext& context, const std::string& token) {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, has Path=/ and no Domain
  // (RFC 6265bis §4.1.3.2): no subdomain can plant or overwrite it.
  context.response.add("Set-Cookie", std::string(kSessionCookie) + "=" + token +
                                         "; Path=/; Secure; HttpOnly; SameSite=Strict");
}

void ApiGuard::clearSessionCookie(RequestContext& context) {
  context.response.add(
      "Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
}

void ApiGuard::requireSameOrigin(const RequestContext& context) {
  const auto& request = context.request;
  const std::string origin = request.get("Origin", "");
  if (!origin.empty()) {
    if (origin != "https://" + request.getHost()) throw forbidden("cross-origin request refused");
    return;
  }
  // Without Origin (older clients), the Fetch Metadata header must say the same.
  if (request.get("Sec-Fetch-Site", "") != "same-origin")
    throw forbidden("the request must come from the admin page (send Origin: https://" + request.getHost() +
                    ")");
}

Principal ApiGuard::signedIn(RequestContext& context, bool openWhileEnrolling) const {
  const std::string token = sessionCookie(context);
  if (token.empty()) throw unauthorized();
  const auto session = sessions_.validate(token);
  if (!session) throw unauthorized();
  if (!openWhileEnrolling && mustEnroll_ && mustEnroll_(session->login))
    throw HttpError(403, "totp_enrollment_required",
                    "set up a second factor (an authenticator app) on your account page first: this server "
                    "requires one for every administrator");
  Principal principal{session->login, std::string(store::adminRoleName(session->role)), token};
  context.principal = principal;
  return principal;
}

Handler ApiGuard::read(Handler handler) const {
  return [this, handler = std::move(handler)](RequestContext& context) {
    signedIn(context);
    handler(context);
  };
}

Handler ApiGuard::adminRead(Handler handler) const {
  return [this, handler = std::move(handler)](RequestContext& context) {
    if (signedIn(context).role != "admin")
      throw forbidden("only administrators with role admin may see this");
    handler(context);
  };
}

Handler ApiGuard::readWhileEnrolling(Handler handler) const {
  return [this, handler = std::move(handler)](RequestContext& context) {
    signedIn(context, true);
    handler(context);
  };
}

Handler ApiGuard::ownChangeWhileEnrolling(std::string action, Handler handler) const {
  return guardedChange(std::move(action), std::move(handler), false, true);
}

Handler ApiGuard::change(std::string action, Handler handler) const {
  return guardedChange(std::move(action), std::move(handler), true);
}

Handler ApiGuard::ownChange(std::string action, Handler handler) const {
  return guardedChange(std::move(action), std::move(handler), false);
}

Handler ApiGuard::guardedChange(std::string action, Handler handler, bool adminOnly,
                                bool openWhileEnrolling) const {
  return [this, action = std::move(action), handler = std::move(handler), adminOnly,
          openWhileEnrolling](RequestContext& context) {
    const Principal principal = signedIn(context, openWhileEnrolling);
    // A change refused before its handler ran still names what it was aimed at; handlers refine it.
    context.auditObject = context.params.joined();
    try {
      requireSameOrigin(context);
      const std::string presented = context.request.get("X-CSRF-Token", "");
      if (!admin::AdminSessions::csrfMatches(principal.sessionToken, presented))
        throw forbidden("missing or wrong X-CSRF-Token (reload the page)");
      if (adminOnly && principal.role != "admin")
        throw forbidden("role viewer may look but not change anything");
      handler(context);
    } catch (...) {
      record(context, principal.login, actionOf(context, action), context.auditObject,
             outcomeOf(std::current_exception()));
      throw;
    }
    record(context, principal.login, actionOf(context, action), context.auditObject, "ok");
  };
}

void ApiGuard::record(const RequestContext& context, const std::string& actor, const std::string& action,
                      const std::string& object, const std::string& outcome) const {
  const std::string client = context.clientAddress.toString();
  Poco::Logger::get("web").information("audit actor=" + core::logValue(actor) + " client=" + client +
                                       " action=" + action + " object=" + core::logValue(object) +
                                       " outcome=" + core::logValue(outcome));
  try {
    audit_.record(admin::AuditEntry{{}, actor, client, action, object, outcome});
  } catch (const std::exception& e) {
    // The change itself stands; losing its audit row must be visible in the log.
    Poco::Logger::get("web").error(std::string("audit log: cannot record ") + action + ": " + e.what());
  }
}

}  // namespace postern::web
