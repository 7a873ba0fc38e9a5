// web JSON answers — how the web API writes a result and how a failure becomes the error answer of the
// API contract: {"error": {"code": "...", "message": "...", "field": "..."}} ("field" only when one input
// is at fault), always with Content-Type: application/json; charset=utf-8.
//
// errorAnswer() is the one mapping from an exception to that answer (DESIGN.md "Errors"):
//   web::HttpError            → its own status, code, field and header fields
//   core::InvalidValue        → 422 invalid_value (+ field)
//   core::NotFound            → 404 not_found
//   core::AlreadyExists       → 409 already_exists
//   core::Conflict            → 409 conflict
//   core::Error, temporary    → 503 unavailable (generic message; the detail goes to the log only)
//   anything else             → 500 internal_error (generic message; the detail goes to the log only)
// The messages of the domain errors are written for the person who typed the input, so they are shown;
// the text of any other failure may hold paths, SQL or library internals, so it never is.
// Must not know: sockets, admin. Thread-safety: pure functions (the send functions write to the response
// they are given).
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <exception>
#include <string>
#include <string_view>

#include "web/http_error.h"

namespace postern::web {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

struct ErrorAnswer {
  int status = 500;
  std::string code = "internal_error";
  std::string message = "internal error";
  std::string field;           // empty: no single input is at fault
  HttpError::Headers headers;  // e.g. Allow, Retry-After
  std::string logDetail;       // non-empty: what really happened, for the log and never for the client
};

ErrorAnswer errorAnswer(const std::exception& error);
// For catch (...): what std::current_exception() holds, or a 500 for a throw of a non-exception.
ErrorAnswer errorAnswer(std::exception_ptr error);

// {"error":{"code":...,"message":...[,"field":...]}}
std::string errorJson(const ErrorAnswer& answer);

// A JSON object, keys in insertion order (Poco::JSON_PRESERVE_KEY_ORDER), as it goes on the wire.
std::string toJson(const Poco::JSON::Object& object);

// The answer with its status, content type and length; HEAD gets the head only (Poco's response does that).
void sendJson(Poco::Net::HTTPServerResponse& response, int status, const Poco::JSON::Object& body);
void sendJsonText(Poco::Net::HTTPServerResponse& response, int status, std::string_view json);
void sendError(Poco::Net::HTTPServerResponse& response, const ErrorAnswer& answer);
void sendNoContent(Poco::Net::HTTPServerResponse& response);

// A whole HTTP/1.1 answer (status line, the security header fields, Connection: close and the JSON error)
// for the answers written to the socket without a request object: the 403 at accept, 400 for a head that
// cannot be parsed, 413 for a body over the limit.
std::string standaloneErrorResponse(const ErrorAnswer& answer);

}  // namespace postern::web
