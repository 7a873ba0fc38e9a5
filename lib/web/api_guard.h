// web::ApiGuard — the layer in front of the JSON API's endpoints: who is signed in, what the role allows,
// the CSRF defences, and the audit trail of every change.
//
// Owns these rules (README "Web admin", security model):
// - A session is the cookie __Host-postern (HttpOnly, Secure, SameSite=Strict, Path=/, no Domain), checked
//   with admin::AdminSessions on every request (idle and absolute expiry there); without a valid one: 401.
// - Reads need any role; admin-only reads (the administrator accounts) and every change need role admin,
//   else 403. A viewer's attempt at a change is audited as denied.
// - A change must carry the session's CSRF token in X-CSRF-Token (compared in constant time) and come from
//   the same origin: Origin equal to https://<Host>, or, without Origin, Sec-Fetch-Site: same-origin.
//   Anything else is 403 before the handler runs. Sign-in and setup (no session yet) check the origin only.
// - Second factor required (admin.require_totp): a signed-in administrator whose account has no TOTP factor
//   yet gets 403 "totp_enrollment_required" from every endpoint but those registered with the
//   *WhileEnrolling wrappers (who am I, sign out, the enrollment itself), until enrolled.
// - Every change, allowed or not, is one audit row (actor, client address, action, object, outcome) and one
//   log line; neither ever holds a secret (handlers name the object, never a password or key).
// Must not know: SQL, what the endpoints do. Thread-safety: const after construction; used by every
// connection thread at once (the services are thread-safe).
#pragma once

#include <functional>
#include <string>

#include "admin/admin_sessions.h"
#include "admin/audit.h"
#include "web/request_context.h"
#include "web/router.h"

namespace postern::web {

inline constexpr const char* kSessionCookie = "__Host-postern";

class ApiGuard {
 public:
  // True when this (canonical) login must enroll a second factor before anything else; empty: never.
  using EnrollmentGate = std::function<bool(const std::string& login)>;

  ApiGuard(admin::AdminSessions& sessions, admin::Audit& audit, EnrollmentGate mustEnroll = {})
      : sessions_(sessions), audit_(audit), mustEnroll_(std::move(mustEnroll)) {}

  Handler read(Handler handler) const;
  Handler adminRead(Handler handler) const;
  // action: the audit log's name for it ("user.add", "dkim.activate", ...); a handler whose body decides
  // the kind of change names it in context.auditAction instead.
  Handler change(std::string action, Handler handler) const;
  // A change to one's own session or account (signing out, one's own password): any role, with the same
  // CSRF, origin and audit rules.
  Handler ownChange(std::string action, Handler handler) const;
  // As read and ownChange, but open to an administrator the enrollment gate holds back.
  Handler readWhileEnrolling(Handler handler) const;
  Handler ownChangeWhileEnrolling(std::string action, Handler handler) const;

  // 403 unless the request comes from the page's own origin (see above).
  static void requireSameOrigin(const RequestContext& context);
  // The session cookie's value; "" when the request has none.
  static std::string sessionCookie(const RequestContext& context);
  static void setSessionCookie(RequestContext& context, const std::string& token);
  static void clearSessionCookie(RequestContext& context);

  // One audit row and one log line. outcome: "ok", "denied" or admin::Audit::failed(reason).
  void record(const RequestContext& context, const std::string& actor, const std::string& action,
              const std::string& object, const std::string& outcome) const;

 private:
  // The signed-in principal, or HttpError 401; 403 when the enrollment gate holds it back (unless open).
  Principal signedIn(RequestContext& context, bool openWhileEnrolling = false) const;
  Handler guardedChange(std::string action, Handler handler, bool adminOnly,
                        bool openWhileEnrolling = false) const;

  admin::AdminSessions& sessions_;
  admin::Audit& audit_;
  EnrollmentGate mustEnroll_;
};

}  // namespace postern::web
