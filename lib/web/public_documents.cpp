#include "web/public_documents.h"

#include "core/text.h"
#include "web/http_error.h"
#include "web/request_context.h"

namespace postern::web {

namespace {

bool isHostChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

}  // namespace

std::optional<std::string> requestHostName(const Poco::Net::HTTPRequest& request) {
  if (!request.has("Host")) return std::nullopt;
  std::string host = core::toLowerAscii(request.get("Host"));
  if (host.empty() || host.front() == '[') return std::nullopt;  // an IPv6 literal names no domain
  if (const auto colon = host.find(':'); colon != std::string::npos) {
    const std::string port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    host.erase(colon);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty() || host.size() > 253) return std::nullopt;
  for (char c : host)
    if (!isHostChar(c)) return std::nullopt;
  if (host.find_first_not_of("0123456789.") == std::string::npos) return std::nullopt;  // an IPv4 address
  return host;
}

void addMtaStsPolicyRoute(Router& router, admin::Domains& domains) {
  router.add(Method::Get, "/.well-known/mta-sts.txt", [&domains](RequestContext& context) {
    const auto host = requestHostName(context.request);
    const auto policy = host ? domains.policyForHost(*host) : std::nullopt;
    if (!policy) throw HttpError::notFound();
    // RFC 8461 §3.3: text/plain; senders cache the policy for its max_age, not by HTTP caching.
    context.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    context.response.setContentType("text/plain; charset=utf-8");
    context.response.sendBuffer(policy->text.data(), policy->text.size());
  });
}

}  // namespace postern::web
