#include "routing/route_modes.h"

#include <array>
#include <utility>

namespace postern::routing {
namespace {

// One table per mode: parse and print read the same pairs.
constexpr std::array<std::pair<relay::TlsMode, std::string_view>, 3> kTlsModes{{
    {relay::TlsMode::StartTls, "starttls"},
    {relay::TlsMode::Implicit, "tls"},
    {relay::TlsMode::None, "none"},
}};
constexpr std::array<std::pair<relay::AuthMechanism, std::string_view>, 4> kAuthModes{{
    {relay::AuthMechanism::None, "none"},
    {relay::AuthMechanism::Password, "password"},
    {relay::AuthMechanism::XOAuth2, "xoauth2"},
    {relay::AuthMechanism::OAuthBearer, "oauthbearer"},
}};
constexpr std::array<std::pair<oauth::Grant, std::string_view>, 2> kGrants{{
    {oauth::Grant::ClientCredentials, "client_credentials"},
    {oauth::Grant::RefreshToken, "refresh_token"},
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

}  // namespace

std::optional<relay::TlsMode> parseTlsMode(std::string_view text) { return parse(kTlsModes, text); }
std::string_view tlsModeName(relay::TlsMode mode) { return print(kTlsModes, mode); }

std::optional<relay::AuthMechanism> parseAuthMode(std::string_view text) { return parse(kAuthModes, text); }
std::string_view authModeName(relay::AuthMechanism mechanism) { return print(kAuthModes, mechanism); }

std::optional<oauth::Grant> parseGrant(std::string_view text) { return parse(kGrants, text); }
std::string_view grantName(oauth::Grant grant) { return print(kGrants, grant); }

}  // namespace postern::routing
