#include "modes/route_modes.h"

#include <array>
#include <string>
#include <utility>

#include "core/error.h"

namespace postern::modes {
namespace {

// One table per mode: parsing, printing and the list of accepted spellings read the same pairs.
constexpr std::array<std::pair<TlsMode, std::string_view>, 3> kTlsModes{{
    {TlsMode::StartTls, "starttls"},
    {TlsMode::Implicit, "tls"},
    {TlsMode::None, "none"},
}};
constexpr std::array<std::pair<AuthMechanism, std::string_view>, 4> kAuthModes{{
    {AuthMechanism::None, "none"},
    {AuthMechanism::Password, "password"},
    {AuthMechanism::XOAuth2, "xoauth2"},
    {AuthMechanism::OAuthBearer, "oauthbearer"},
}};
constexpr std::array<std::pair<Grant, std::string_view>, 2> kGrants{{
    {Grant::ClientCredentials, "client_credentials"},
    {Grant::RefreshToken, "refresh_token"},
}};

template <typename Mode, std::size_t N>
std::optional<Mode> parse(const std::array<std::pair<Mode, std::string_view>, N>& table,
                          std::string_view text) {
  for (const auto& [mode, name] : table)
    if (name == text) return mode;
  return std::nullopt;
}

template <typename Mode, std::size_t N>
std::string_view print(const std::array<std::pair<Mode, std::string_view>, N>& table, Mode mode) {
  for (const auto& [m, name] : table)
    if (m == mode) return name;
  return "?";
}

// "tls must be starttls, tls or none"
template <typename Mode, std::size_t N>
Mode require(const std::array<std::pair<Mode, std::string_view>, N>& table, std::string_view text,
             const std::string& setting) {
  if (const auto mode = parse(table, text)) return *mode;
  std::string choices;
  for (std::size_t i = 0; i < N; ++i)
    choices += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(table[i].second);
  throw core::InvalidValue(setting, setting + " must be " + choices);
}

}  // namespace

std::optional<TlsMode> parseTlsMode(std::string_view text) { return parse(kTlsModes, text); }
std::string_view tlsModeName(TlsMode mode) { return print(kTlsModes, mode); }

std::optional<AuthMechanism> parseAuthMode(std::string_view text) { return parse(kAuthModes, text); }
std::string_view authModeName(AuthMechanism mechanism) { return print(kAuthModes, mechanism); }

std::optional<Grant> parseGrant(std::string_view text) { return parse(kGrants, text); }
std::string_view grantName(Grant grant) { return print(kGrants, grant); }

TlsMode requireTlsMode(std::string_view text) { return require(kTlsModes, text, "tls"); }
AuthMechanism requireAuthMode(std::string_view text) { return require(kAuthModes, text, "auth"); }
Grant requireGrant(std::string_view text) { return require(kGrants, text, "grant"); }

bool isOAuth(AuthMechanism mechanism) {
  return mechanism == AuthMechanism::XOAuth2 || mechanism == AuthMechanism::OAuthBearer;
}

}  // namespace postern::modes
