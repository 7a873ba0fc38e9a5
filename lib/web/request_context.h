// web::RequestContext — what a handler of the web admin gets: the request, the response, the client's
// address, the path parameters the router matched and the whole body, already read within the server's
// limits (so a handler never reads the socket and never waits on a slow client).
//
// Adding an endpoint (static wiring in app/, STYLE.md §13): write a function or lambda
// `void(RequestContext&)` that reads its input through param(), query() and json(), calls an admin service
// and answers with sendJson() / sendNoContent(); register it with Router::add(method, template, handler).
// Failures are thrown, never answered by hand: core::InvalidValue, NotFound, AlreadyExists, Conflict from
// the services and HttpError for HTTP-only problems; the dispatcher maps them (json_response.h).
// Layers in front of handlers (sign-in, CSRF, roles) wrap a handler in another handler and add what they
// establish here as a member (e.g. the signed-in administrator), so neither the router nor the server
// changes when they arrive.
//
// Must not know: sockets, TLS, admin. Thread-safety: one context per request, used by one thread.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>
#include <string_view>

#include "web/json_body.h"
#include "web/router.h"

namespace postern::web {

// Who is signed in, as the sign-in layer (web::ApiGuard) establishes it for the handlers behind it.
struct Principal {
  std::string login;
  std::string role;          // "admin" | "viewer"
  std::string sessionToken;  // the cookie value (for signing out, and a password change that keeps it)
};

struct RequestContext {
  Poco::Net::HTTPServerRequest& request;
  Poco::Net::HTTPServerResponse& response;
  Poco::Net::IPAddress clientAddress;
  std::string path;                    // as sent, without the query: "/api/v1/users/a%40b.org"
  std::string rawQuery;                // after '?', as sent; empty when none
  std::string body;                    // the whole body (at most the server's limit)
  PathParams params;                   // filled by the router
  std::optional<Principal> principal;  // set by web::ApiGuard for endpoints behind a sign-in
  std::string auditObject;             // what a change acted on, for the audit log (set by its handler)
  // The audit action when the body decides it (PATCH {"enabled": false} is "user.disable"); empty: the one
  // the route was registered with, which also names a change refused before its handler ran.
  std::string auditAction;

  // A parameter of the matched template, decoded: param("login").
  const std::string& param(std::string_view name) const { return params.get(name); }
  // The first value of a query parameter, decoded ('+' is a space); nullopt when absent. HttpError 400 when
  // the query holds a malformed escape.
  std::optional<std::string> query(std::string_view name) const;
  // The body as a JSON object. HttpError 400 unless the Content-Type is application/json and the body one
  // JSON object (a form post from another site cannot send that type without a CORS preflight).
  JsonBody json() const;

  void sendJson(int status, const Poco::JSON::Object& body);
  void sendNoContent();
};

}  // namespace postern::web
