// oauth::preset — token endpoints, scopes and smarthosts of the providers that require OAuth for SMTP.
//
// Must not know: HTTP, configuration files. Thread-safety: pure functions.
//
// Sources and assumptions (from the providers' documentation; this build machine has no internet, so
// re-check the URLs below when a provider changes its platform):
// - "microsoft365": Microsoft identity platform v2.0 token endpoint
//   https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token ("Authenticate an IMAP, POP or SMTP
//   connection using OAuth", learn.microsoft.com/exchange/client-developer/legacy-protocols/
//   how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth). {tenant} is the directory (tenant) ID
//   or a verified domain; "common"/"organizations" only make sense for the delegated grant.
//   Client credentials (app-only): scope "https://outlook.office365.com/.default"; the app needs the
//   SMTP.SendAsApp application permission with admin consent, and Exchange needs a service principal with
//   mailbox permission (New-ServicePrincipal, Add-MailboxPermission). Delegated (refresh token): scope
//   "https://outlook.office.com/SMTP.Send offline_access". Smarthost smtp.office365.com:587 with STARTTLS,
//   SASL XOAUTH2. Microsoft rotates refresh tokens: store the new one (TokenSource's callback).
// - "google": https://oauth2.googleapis.com/token, scope "https://mail.google.com/" (the only scope Gmail
//   SMTP accepts, developers.google.com/gmail/imap/xoauth2-protocol), refresh-token grant only: Gmail SMTP
//   has no client-credentials flow; a Workspace service account would need a signed JWT assertion with
//   domain-wide delegation (RFC 7523), which Postern does not implement. Smarthost smtp.gmail.com:587 with
//   STARTTLS, SASL XOAUTH2 (OAUTHBEARER also works).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/token.h"

namespace postern::oauth {

struct Preset {
  std::string name;           // "microsoft365"
  std::string tokenEndpoint;  // with the tenant filled in
  std::string scope;
  Grant grant = Grant::ClientCredentials;
  std::string smarthost;  // "host:port"
  modes::TlsMode tls = modes::TlsMode::StartTls;
};

// The preset called name (case-insensitive) for grant; nullopt for an unknown name. Throws core::Error
// (permanent) for a Microsoft 365 tenant that is missing or not a tenant ID / domain name, and for a grant
// the provider does not offer for SMTP (Google client credentials).
std::optional<Preset> preset(std::string_view name, std::string_view tenant, Grant grant);

// The names preset() knows, for usage texts and config validation.
std::vector<std::string> presetNames();

}  // namespace postern::oauth
