#include "web/json_response.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>

#include <sstream>

#include "core/error.h"
#include "web/security_headers.h"

namespace postern::web {

namespace {

ErrorAnswer answer(int status, std::string code, std::string message, std::string field = {}) {
  ErrorAnswer a;
  a.status = status;
  a.code = std::move(code);
  a.message = std::move(message);
  a.field = std::move(field);
  return a;
}

void setStatus(Poco::Net::HTTPResponse& response, int status) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

}  // namespace

ErrorAnswer errorAnswer(const std::exception& error) {
  if (const auto* e = dynamic_cast<const HttpError*>(&error)) {
    ErrorAnswer a = answer(e->status(), e->code(), e->what(), e->field());
    a.headers = e->headers();
    return a;
  }
  if (const auto* e = dynamic_cast<const core::InvalidValue*>(&error))
    return answer(422, "invalid_value", e->what(), e->field());
  if (dynamic_cast<const core::NotFound*>(&error)) return answer(404, "not_found", error.what());
  if (dynamic_cast<const core::AlreadyExists*>(&error)) return answer(409, "already_exists", error.what());
  if (dynamic_cast<const core::Conflict*>(&error)) return answer(409, "conflict", error.what());
  ErrorAnswer a;
  a.logDetail = error.what();
  if (const auto* e = dynamic_cast<const core::Error*>(&error); e && e->temporary()) {
    a.status = 503;
    a.code = "unavailable";
    a.message = "temporarily unavailable, try again later";
  }
  return a;
}

ErrorAnswer errorAnswer(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return errorAnswer(e);
  } catch (...) {
  }
  ErrorAnswer a;
  a.logDetail = "an exception that is no std::exception";
  return a;
}

std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::string errorJson(const ErrorAnswer& answer) {
  Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("code", answer.code);
  error->set("message", answer.message);
  if (!answer.field.empty()) error->set("field", answer.field);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("error", error);
  return toJson(body);
}

void sendJsonText(Poco::Net::HTTPServerResponse& response, int status, std::string_view json) {
  setStatus(response, status);
  response.setContentType(std::string(kJsonContentType));
  response.sendBuffer(json.data(), json.size());
}

void sendJson(Poco::Net::HTTPServerResponse& response, int status, const Poco::JSON::Object& body) {
  sendJsonText(response, status, toJson(body));
}

void sendError(Poco::Net::HTTPServerResponse& response, const ErrorAnswer& answer) {
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  sendJsonText(response, answer.status, errorJson(answer));
}

void sendNoContent(Poco::Net::HTTPServerResponse& response) {
  setStatus(response, 204);
  response.send();  // Poco writes the head alone for 204 and 304 (no Content-Length, RFC 9110 §8.6)
}

std::string standaloneErrorResponse(const ErrorAnswer& answer) {
  const std::string body = errorJson(answer);
  Poco::Net::HTTPResponse head;
  head.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
  setStatus(head, answer.status);
  head.setDate(Poco::Timestamp());
  applySecurityHeaders(head, CachePolicy::NoStore);
  for (const auto& [name, value] : answer.headers) head.set(name, value);
  head.setContentType(std::string(kJsonContentType));
  head.setContentLength64(static_cast<Poco::Int64>(body.size()));
  head.set("Connection", "close");
  std::ostringstream out;
  head.write(out);
  out << body;
  return out.str();
}

}  // namespace postern::web
