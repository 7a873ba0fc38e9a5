#include "web/request_context.h"

#include <Poco/Net/MediaType.h>

#include "core/text.h"
#include "web/http_error.h"
#include "web/json_response.h"

namespace postern::web {

std::optional<std::string> RequestContext::query(std::string_view name) const {
  std::string_view rest = rawQuery;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = item.find('=');
    const auto key = percentDecode(item.substr(0, eq), true);
    const auto value =
        percentDecode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), true);
    if (!key || !value) throw HttpError::badRequest("the query string holds a malformed %-escape");
    if (*key == name) return value;
  }
  return std::nullopt;
}

JsonBody RequestContext::json() const {
  bool isJson = false;
  try {
    const Poco::Net::MediaType type(request.getContentType());
    isJson = type.matches("application", "json");
  } catch (const Poco::Exception&) {
  }
  if (!isJson) throw HttpError::badRequest("the request body must be sent as application/json");
  return JsonBody::parse(body);
}

void RequestContext::sendJson(int status, const Poco::JSON::Object& json) {
  web::sendJson(response, status, json);
}

void RequestContext::sendNoContent() { web::sendNoContent(response); }

}  // namespace postern::web
