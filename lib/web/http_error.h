// web::HttpError — a failure that already knows its HTTP answer: status, the error code of the API
// contract ("bad_request", "unauthorized", "forbidden", "method_not_allowed", "payload_too_large",
// "too_many_requests"...), a message for the person at the browser, optionally the input field at fault
// and header fields that belong to the answer (Allow for 405, Retry-After for 429).
//
// Domain failures do not use it: admin services throw core::NotFound, core::InvalidValue and the other
// core errors, and web::errorAnswer() (json_response.h) maps those; HttpError is for what only the HTTP
// layer can tell (a malformed body, a missing session, a wrong method, a body too large).
// Must not know: admin, sockets. Thread-safety: a plain value type.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace postern::web {

class HttpError : public std::runtime_error {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  HttpError(int status, std::string code, const std::string& message, std::string field = {},
            Headers headers = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)),
        headers_(std::move(headers)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }  // empty: no single input is at fault
  const Headers& headers() const { return headers_; }

  // 400: the request cannot be understood (malformed JSON, a field of the wrong type, a bad escape).
  static HttpError badRequest(const std::string& message, std::string field = {}) {
    return HttpError(400, "bad_request", message, std::move(field));
  }
  static HttpError notFound() { return HttpError(404, "not_found", "no such resource"); }
  // 405 with the methods the resource has (RFC 9110 §15.5.6: Allow is required).
  static HttpError methodNotAllowed(const std::string& allow) {
    return HttpError(405, "method_not_allowed", "method not allowed", {}, {{"Allow", allow}});
  }
  static HttpError payloadTooLarge(std::size_t limit) {
    return HttpError(413, "payload_too_large",
                     "the request body is larger than " + std::to_string(limit) + " bytes");
  }

 private:
  int status_;
  std::string code_;
  std::string field_;
  Headers headers_;
};

}  // namespace postern::web
