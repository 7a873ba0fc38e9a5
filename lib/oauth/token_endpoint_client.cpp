#include "oauth/token_endpoint_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <istream>
#include <memory>
#include <ostream>

#include "core/text.h"
#include "oauth/form_encoding.h"
#include "oauth/token_response.h"
#include "tls/client_context.h"

namespace postern::oauth {

namespace {

using Deadline = std::chrono::steady_clock::time_point;
constexpr std::chrono::milliseconds kMinimumSlice{1};
constexpr std::size_t kReadChunk = 4096;

bool isLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || core::iequalsAscii(host, "localhost");
}

std::chrono::milliseconds remaining(Deadline deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
}

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max(ms, kMinimumSlice).count()) * 1000);
}

// "error:0A000086:SSL routines::certificate verify failed" → "certificate verify failed".
std::string sslReason(const std::string& text) {
  const auto pos = text.rfind("::");
  return pos == std::string::npos ? text : text.substr(pos + 2);
}

// What went wrong below HTTP, in words that are safe to log. The verification record wins: a handshake that
// failed on the certificate can surface as an SSLException, an I/O error or a reset, depending on timing.
std::string transportFailure(const Poco::Exception& e) {
  const tls::ClientHandshake record = tls::lastClientHandshake();
  if (!record.verifyError.empty()) return "certificate verify failed (" + record.verifyError + ")";
  if (dynamic_cast<const Poco::TimeoutException*>(&e)) return "timed out";
  if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e)) return "connection refused";
  if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&e)) return "connection reset by the endpoint";
  if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) ||
      dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e))
    return "host not found";
  if (dynamic_cast<const Poco::Net::SSLException*>(&e))
    return "TLS error: " + sslReason(e.message().empty() ? e.displayText() : e.message());
  return e.displayText();
}

EndpointAnswer exchange(const EndpointUrl& url, const TokenRequest& request, const std::string& body,
                        std::size_t maxAnswerBytes, const std::string& where) {
  const Deadline deadline = std::chrono::steady_clock::now() + request.timeout;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (url.https) {
    Poco::Net::Context::Ptr context;
    try {
      context = tls::makeClientContext(tls::ClientPolicy{url.host, request.caFile});
    } catch (const core::Error& e) {
      throw OAuthError::permanent(where + ": " + safeText(e.what(), {}));
    }
    session = std::make_unique<Poco::Net::HTTPSClientSession>(url.host, url.port, context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(url.host, url.port);
  }
  const auto total = std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout);
  // Poco's blocking TLS handshake waits the receive timeout, then polls that long again (NOTES §2): halve it.
  session->setTimeout(toTimespan(total), toTimespan(total), toTimespan(total / 2));
  session->setKeepAlive(false);

  Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_POST, url.pathAndQuery,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
  httpRequest.setContentType("application/x-www-form-urlencoded");
  httpRequest.setContentLength(static_cast<std::streamsize>(body.size()));
  httpRequest.set("Accept", "application/json");
  httpRequest.set("User-Agent", "Postern");

  EndpointAnswer answer;
  tls::clearLastClientHandshake();
  // sendRequest() connects and completes the TLS handshake (with the host name check) before it writes
  // anything, so a peer that fails verification never sees the body.
  std::ostream& out = session->sendRequest(httpRequest);
  out.exceptions(std::ios::badbit);
  out << body;
  out.flush();
  Poco::Net::HTTPResponse response;
  if (remaining(deadline) <= std::chrono::milliseconds(0)) throw Poco::TimeoutException();
  session->socket().setReceiveTimeout(toTimespan(remaining(deadline) / 2));
  std::istream& in = session->receiveResponse(response);
  in.exceptions(std::ios::badbit);  // let Poco's exception (timeout, reset) through instead of a silent EOF
  answer.status = static_cast<int>(response.getStatus());
  answer.reason = response.getReason();
  const std::string tooLarge = where + ": answer larger than " + std::to_string(maxAnswerBytes) + " bytes";
  if (response.hasContentLength() && response.getContentLength64() > static_cast<Poco::Int64>(maxAnswerBytes))
    throw OAuthError::temporary(tooLarge);
  std::array<char, kReadChunk> chunk;
  while (answer.body.size() <= maxAnswerBytes) {
    const auto left = remaining(deadline);
    if (left <= std::chrono::milliseconds(0)) throw Poco::TimeoutException();
    session->socket().setReceiveTimeout(toTimespan(url.https ? left / 2 : left));
    const std::size_t want = std::min(chunk.size(), maxAnswerBytes + 1 - answer.body.size());
    in.read(chunk.data(), static_cast<std::streamsize>(want));
    const auto got = in.gcount();
    if (got <= 0) break;
    answer.body.append(chunk.data(), static_cast<std::size_t>(got));
  }
  if (answer.body.size() > maxAnswerBytes) throw OAuthError::temporary(tooLarge);
  return answer;
}

}  // namespace

EndpointUrl parseEndpointUrl(std::string_view text) {
  Poco::URI uri;
  try {
    uri = Poco::URI(std::string(text));
  } catch (const Poco::Exception&) {
    throw OAuthError::permanent("token endpoint: not a valid URL");
  }
  EndpointUrl url;
  const std::string scheme = core::toLowerAscii(uri.getScheme());
  if (scheme != "https" && scheme != "http")
    throw OAuthError::permanent("token endpoint: the URL must start with https://");
  url.https = scheme == "https";
  if (!uri.getUserInfo().empty())
    throw OAuthError::permanent("token endpoint: user information in the URL is not allowed");
  if (!uri.getFragment().empty())
    throw OAuthError::permanent("token endpoint: a fragment (#...) is not allowed");
  url.host = uri.getHost();
  if (url.host.empty()) throw OAuthError::permanent("token endpoint: the URL has no host");
  if (!url.https && !isLoopbackHost(url.host))
    throw OAuthError::permanent("token endpoint " + safeText(url.host, {}, 255) +
                                ": http:// is refused (secrets would travel in clear text); use https://");
  url.port = uri.getPort();
  if (url.port == 0) throw OAuthError::permanent("token endpoint: port 0");
  url.pathAndQuery = uri.getPathAndQuery();
  if (url.pathAndQuery.empty()) url.pathAndQuery = "/";
  return url;
}

std::vector<std::string> requestProblems(const TokenRequest& request) {
  std::vector<std::string> problems;
  if (request.tokenEndpoint.empty()) {
    problems.push_back("token endpoint: missing");
  } else {
    try {
      parseEndpointUrl(request.tokenEndpoint);
    } catch (const OAuthError& e) {
      problems.push_back(e.what());
    }
  }
  if (request.clientId.empty()) problems.push_back("client id: missing");
  if (request.grant == Grant::ClientCredentials && request.clientSecret.empty())
    problems.push_back("client secret: missing (the client credentials grant needs one)");
  if (request.grant == Grant::RefreshToken && request.refreshToken.empty())
    problems.push_back("refresh token: missing (the refresh token grant needs one)");
  if (request.timeout <= std::chrono::seconds(0)) problems.push_back("timeout: must be positive");
  return problems;
}

std::string tokenRequestBody(const TokenRequest& request) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"grant_type", std::string(grantType(request.grant))}, {"client_id", request.clientId}};
  if (!request.clientSecret.empty())
    fields.emplace_back("client_secret", request.clientSecret);             // RFC 6749 §2.3.1
  if (!request.scope.empty()) fields.emplace_back("scope", request.scope);  // §3.3
  if (request.grant == Grant::RefreshToken) fields.emplace_back("refresh_token", request.refreshToken);  // §6
  return formBody(fields);
}

TokenEndpointClient::~TokenEndpointClient() = default;

Token TokenEndpointClient::request(const TokenRequest& request, const core::Clock& clock) {
  const std::vector<std::string_view> secrets{request.clientSecret, request.refreshToken};
  if (const auto problems = requestProblems(request); !problems.empty())
    throw OAuthError::permanent(safeText(core::join(problems, "; "), secrets, 1000));
  const EndpointUrl url = parseEndpointUrl(request.tokenEndpoint);
  const std::string where = "token endpoint " + safeText(url.host, {}, 255);
  const auto requestedAt = clock.now();  // before sending: expiresAt errs on the early side
  EndpointAnswer answer;
  try {
    answer = exchange(url, request, tokenRequestBody(request), maxAnswerBytes_, where);
  } catch (const OAuthError&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw OAuthError::temporary(where + ": " + safeText(transportFailure(e), secrets));
  } catch (const std::exception& e) {
    throw OAuthError::temporary(where + ": " + safeText(e.what(), secrets));
  }
  return parseTokenAnswer(answer, url.host, requestedAt, secrets);
}

}  // namespace postern::oauth
