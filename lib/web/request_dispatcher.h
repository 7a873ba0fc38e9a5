// web::RequestDispatcher — one request in, one answer out: the security header fields first (on every
// answer, errors included), then the API's router for "/api" and below (and /healthz) or the page handler
// (the UI's files) for every other path, and every failure through errorAnswer() (json_response.h). A
// dispatcher built without a page handler (the public site's) sends every path to its router, so a path
// it does not list is a 404 there, whatever the admin site would have served.
//
// Owns: the split between the API and the pages, 404 / 405 (with Allow) / 400 for a path the router cannot
// use, and the rule that an answer that has failed carries no header field a handler had set before it
// threw (a cookie, an ETag): only the security fields and the error. Server errors (5xx) are logged with
// their detail; the client gets the generic text.
// Must not know: sockets, TLS, sessions. Thread-safety: immutable after construction; dispatch() runs on
// every connection thread at once.
#pragma once

#include "web/request_context.h"
#include "web/router.h"

namespace postern::web {

class RequestDispatcher {
 public:
  RequestDispatcher(Router api, Handler pages) : api_(std::move(api)), pages_(std::move(pages)) {}
  // Every path through the router.
  explicit RequestDispatcher(Router everyPath) : api_(std::move(everyPath)) {}

  // Never throws for a failure of the handler: the client gets its error answer. Throws only what writing
  // to the client throws (the connection is then gone).
  void dispatch(RequestContext& context) const;

 private:
  void route(RequestContext& context) const;

  Router api_;
  Handler pages_;
};

}  // namespace postern::web
