#include "oauth/presets.h"

#include "core/error.h"
#include "core/text.h"

namespace postern::oauth {

namespace {

constexpr std::size_t kLongestTenant = 253;  // a DNS name; a tenant ID (GUID) is 36

// A directory (tenant) ID, a verified domain, or "common" / "organizations" / "consumers": letters, digits,
// '-' and '.'. Anything else would change the URL's path.
bool isTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > kLongestTenant || tenant.front() == '.' || tenant.front() == '-')
    return false;
  for (const char c : tenant) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Preset microsoft365(std::string_view tenant, Grant grant) {
  if (core::trim(tenant).empty())
    throw core::Error::permanent("OAuth preset microsoft365: the tenant (directory ID or domain) is missing");
  if (!isTenant(tenant))
    throw core::Error::permanent(
        "OAuth preset microsoft365: the tenant must be a directory ID or a domain name");
  Preset p;
  p.name = "microsoft365";
  p.tokenEndpoint = "https://login.microsoftonline.com/" + std::string(tenant) + "/oauth2/v2.0/token";
  p.scope = grant == Grant::ClientCredentials
                ? "https://outlook.office365.com/.default"                // app-only: SMTP.SendAsApp
                : "https://outlook.office.com/SMTP.Send offline_access";  // delegated
  p.grant = grant;
  p.smarthost = "smtp.office365.com:587";
  p.tls = modes::TlsMode::StartTls;
  return p;
}

Preset google(Grant grant) {
  if (grant != Grant::RefreshToken)
    throw core::Error::permanent(
        "OAuth preset google: Gmail SMTP has no client credentials grant; use a refresh token (a Workspace "
        "service account would need a signed JWT assertion, which Postern does not support)");
  Preset p;
  p.name = "google";
  p.tokenEndpoint = "https://oauth2.googleapis.com/token";
  p.scope = "https://mail.google.com/";
  p.grant = grant;
  p.smarthost = "smtp.gmail.com:587";
  p.tls = modes::TlsMode::StartTls;
  return p;
}

}  // namespace

std::optional<Preset> preset(std::string_view name, std::string_view tenant, Grant grant) {
  if (core::iequalsAscii(name, "microsoft365")) return microsoft365(tenant, grant);
  if (core::iequalsAscii(name, "google")) return google(grant);
  return std::nullopt;
}

std::vector<std::string> presetNames() { return {"microsoft365", "google"}; }

}  // namespace postern::oauth
