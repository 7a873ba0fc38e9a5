#include "web/api_metrics.h"

#include <Poco/Net/HTTPResponse.h>

#include <memory>

#include "core/text.h"
#include "web/http_error.h"
#include "web/request_context.h"

namespace postern::web {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

bool presentsBearerToken(std::string_view authorization, std::string_view token) {
  if (token.empty()) return false;
  const std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !equalsIgnoringCase(authorization.substr(0, space), "Bearer"))
    return false;
  std::string_view credentials = authorization.substr(space + 1);
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  while (!credentials.empty() && credentials.back() == ' ') credentials.remove_suffix(1);
  return core::constantTimeEquals(credentials, token);
}

void addMetricsRoutes(Router& router, const metrics::Registry& registry, core::SecretString token) {
  auto required = std::make_shared<const core::SecretString>(std::move(token));
  router.add(Method::Get, "/metrics", [&registry, required](RequestContext& context) {
    if (!required->empty()) {
      const bool has = context.request.has("Authorization");
      if (!has || !presentsBearerToken(context.request.get("Authorization"), required->view())) {
        // RFC 6750 §3: without credentials, only the scheme and realm; with wrong ones, invalid_token.
        std::string challenge = "Bearer realm=\"postern metrics\"";
        if (has) challenge += ", error=\"invalid_token\"";
        throw HttpError(401, "unauthorized", "a valid bearer token is required for /metrics", {},
                        {{"WWW-Authenticate", challenge}});
      }
    }
    const std::string text = registry.render();
    context.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    context.response.setContentType(std::string(kMetricsContentType));
    context.response.sendBuffer(text.data(), text.size());
  });
}

}  // namespace postern::web
