#include "oauth/token_response.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <array>
#include <charconv>
#include <optional>

#include "core/text.h"

namespace postern::oauth {

namespace {

constexpr std::chrono::seconds kDefaultLifetime{3600};  // RFC 6749 §5.1: expires_in is only RECOMMENDED
// Nobody issues access tokens for longer; a larger value is capped rather than trusted for years.
constexpr std::chrono::seconds kLongestLifetime{24 * 3600};
constexpr std::size_t kJsonDepth = 16;
constexpr std::size_t kCodeLength = 64;

std::optional<Poco::JSON::Object::Ptr> parseObject(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(kJsonDepth);
    const Poco::Dynamic::Var value = parser.parse(body);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
    Poco::JSON::Object::Ptr object = value.extract<Poco::JSON::Object::Ptr>();
    if (object.isNull()) return std::nullopt;
    return object;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The member as a string; nullopt when absent, null or not a string.
std::optional<std::string> stringMember(const Poco::JSON::Object& object, const std::string& name) {
  if (!object.has(name)) return std::nullopt;
  const Poco::Dynamic::Var value = object.get(name);
  if (value.isEmpty() || !value.isString()) return std::nullopt;
  return value.extract<std::string>();
}

// RFC 6750 §2.1 b64token: what may follow "Bearer " — also what keeps ^A out of a SASL response.
bool isBearerToken(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i)
    if (token[i] != '=') return false;
  return true;
}

// expires_in as seconds: a JSON number, or a string of digits (Azure AD v1 sent "3599"). nullopt when it is
// there but unusable; kDefaultLifetime when absent.
std::optional<std::chrono::seconds> lifetime(const Poco::JSON::Object& object) {
  if (!object.has("expires_in")) return kDefaultLifetime;
  const Poco::Dynamic::Var value = object.get("expires_in");
  if (value.isEmpty()) return kDefaultLifetime;
  long long seconds = -1;
  try {
    if (value.isBoolean()) {
      return std::nullopt;
    } else if (value.isString()) {
      const std::string text = value.extract<std::string>();
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    } else if (value.isInteger()) {
      seconds = value.convert<Poco::Int64>();
    } else if (value.isNumeric()) {
      const double d = value.convert<double>();
      if (!(d >= 0 && d < 1e12)) return std::nullopt;
      seconds = static_cast<long long>(d);
    } else {
      return std::nullopt;
    }
  } catch (const Poco::Exception&) {
    return std::nullopt;  // e.g. an unsigned value out of Int64's range
  }
  if (seconds < 0) return std::nullopt;
  return std::min(std::chrono::seconds(seconds), kLongestLifetime);
}

Token parseSuccess(const EndpointAnswer& answer, const std::string& where,
                   std::chrono::system_clock::time_point requestedAt,
                   const std::vector<std::string_view>& secrets) {
  const auto object = parseObject(answer.body);
  if (!object) throw OAuthError::temporary(where + ": malformed answer (not a JSON object)");
  const auto accessToken = stringMember(**object, "access_token");
  if (!accessToken || accessToken->empty())
    throw OAuthError::temporary(where + ": malformed answer (no access_token)");
  if (!isBearerToken(*accessToken))
    throw OAuthError::temporary(where + ": malformed answer (access_token is not an RFC 6750 bearer token)");
  std::vector<std::string_view> allSecrets = secrets;
  allSecrets.push_back(*accessToken);
  const auto tokenType = stringMember(**object, "token_type");
  if (!tokenType) throw OAuthError::temporary(where + ": malformed answer (no token_type)");
  if (!core::iequalsAscii(*tokenType, "Bearer"))  // RFC 6749 §7.1: case-insensitive
    throw OAuthError::temporary(where + ": token_type '" + safeText(*tokenType, allSecrets, 32) +
                                "' is not Bearer");
  const auto seconds = lifetime(**object);
  if (!seconds)
    throw OAuthError::temporary(where + ": malformed answer (expires_in is not a number of seconds)");
  Token token;
  token.accessToken = *accessToken;
  token.expiresAt = requestedAt + *seconds;
  if (auto refresh = stringMember(**object, "refresh_token")) token.refreshToken = std::move(*refresh);
  // Refresh tokens have no fixed syntax (Microsoft's hold '*' and '!'), but they are stored and sent back.
  for (const char c : token.refreshToken)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      throw OAuthError::temporary(where + ": malformed answer (refresh_token holds control characters)");
  return token;
}

}  // namespace

bool errorNeedsAdmin(std::string_view code) {
  // RFC 6749 §5.2, plus OpenID Connect Core §3.1.2.6 codes that Microsoft returns when a user must sign in
  // or consent again.
  static constexpr std::array<std::string_view, 9> kNeedsAdmin{
      "invalid_request",      "invalid_client",         "invalid_grant",
      "unauthorized_client",  "unsupported_grant_type", "invalid_scope",
      "interaction_required", "consent_required",       "login_required"};
  for (const std::string_view c : kNeedsAdmin)
    if (code == c) return true;
  return false;
}

Token parseTokenAnswer(const EndpointAnswer& answer, std::string_view host,
                       std::chrono::system_clock::time_point requestedAt,
                       const std::vector<std::string_view>& secrets) {
  const std::string where = "token endpoint " + safeText(host, {}, 255);
  if (answer.status == 200) return parseSuccess(answer, where, requestedAt, secrets);

  std::string text = where + " answered " + std::to_string(answer.status);
  // 5xx, 429 (rate limit), 408: the endpoint says "later", whatever the body claims.
  const bool later = answer.status >= 500 || answer.status == 429 || answer.status == 408;
  const auto object = parseObject(answer.body);
  const auto error = object ? stringMember(**object, "error") : std::nullopt;
  if (!error || error->empty()) {
    if (!answer.reason.empty()) text += " " + safeText(answer.reason, secrets, kCodeLength);
    if (answer.status >= 300 && answer.status < 400) text += " (redirects are not followed)";
    throw OAuthError::temporary(text);
  }
  const std::string code = safeText(*error, secrets, kCodeLength);
  text += " " + code;
  if (const auto description = stringMember(**object, "error_description");
      description && !description->empty())
    text += ": " + safeText(*description, secrets);
  const bool needsAdmin = !later && answer.status >= 400 && answer.status < 500 && errorNeedsAdmin(code);
  throw needsAdmin ? OAuthError::permanent(text, code) : OAuthError::temporary(text, code);
}

}  // namespace postern::oauth
