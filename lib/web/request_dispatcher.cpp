#include "web/request_dispatcher.h"

#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include "core/text.h"
#include "web/http_error.h"
#include "web/json_response.h"
#include "web/security_headers.h"

namespace postern::web {

namespace {

// The router's paths: the API, and /healthz and /metrics (outside it so that health checks and scrapers need
// no API knowledge).
bool isApiPath(std::string_view path) {
  return path == "/api" || path.substr(0, 5) == "/api/" || path == "/healthz" || path == "/metrics";
}

// Back to a bare answer: the fields a handler set before it failed (a cookie, an ETag, a content type)
// must not travel with the error.
void resetForError(Poco::Net::HTTPServerResponse& response, CachePolicy cache) {
  const bool keepAlive = response.getKeepAlive();
  response.clear();
  response.setKeepAlive(keepAlive);
  response.setDate(Poco::Timestamp());
  applySecurityHeaders(response, cache);
}

}  // namespace

void RequestDispatcher::route(RequestContext& context) const {
  if (pages_ && !isApiPath(context.path)) {
    pages_(context);
    return;
  }
  RouteMatch match = api_.match(context.request.getMethod(), context.path);
  switch (match.outcome) {
    case RouteMatch::Outcome::BadPath:
      throw HttpError::badRequest(match.problem);
    case RouteMatch::Outcome::NotFound:
      throw HttpError::notFound();
    case RouteMatch::Outcome::MethodNotAllowed:
      throw HttpError::methodNotAllowed(match.allow);
    case RouteMatch::Outcome::Found:
      context.params = std::move(match.params);
      (*match.handler)(context);
      return;
  }
}

void RequestDispatcher::dispatch(RequestContext& context) const {
  const CachePolicy cache = cachePolicyFor(context.path);
  applySecurityHeaders(context.response, cache);
  ErrorAnswer failure;
  try {
    route(context);
    if (context.response.sent()) return;
    failure.logDetail = "the handler returned without answering";
  } catch (...) {
    failure = errorAnswer(std::current_exception());
  }
  auto& log = Poco::Logger::get("web");
  const std::string where = context.request.getMethod() + " " + core::logValue(context.path);
  if (!failure.logDetail.empty())
    log.error("request " + where + " failed: status=" + std::to_string(failure.status) +
              " detail=" + core::logValue(failure.logDetail));
  if (context.response.sent()) {
    // Part of the answer is on the wire already; the connection cannot carry another one.
    context.response.setKeepAlive(false);
    return;
  }
  resetForError(context.response, cache);
  sendError(context.response, failure);
}

}  // namespace postern::web
