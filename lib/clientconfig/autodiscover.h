// clientconfig autodiscover — Outlook's "plain old XML" Autodiscover (MS-OXDSCLI §2.2.3/§2.2.4): the
// request Outlook POSTs to https://autodiscover.DOMAIN/autodiscover/autodiscover.xml and the
// account-settings response (schema outlook/responseschema/2006a) for an account of type "email".
//
// Owns:
// - Reading a request safely: at most kMaxAutodiscoverRequest bytes, no DTD (so no entity of any kind,
//   internal or external: a DOCTYPE is refused before the parser sees it, and the parser's external entity
//   features are off), well-formed XML, the EMailAddress of Autodiscover/Request, the optional
//   AcceptableResponseSchema. core::InvalidValue("request", …) otherwise.
// - The response: one Protocol per server, the incoming one (IMAP or POP3) from the setting, then SMTP on
//   465 (Encryption SSL) and on 587 (Encryption TLS, i.e. STARTTLS), each with SSL on, SPA off (no NTLM;
//   password inside TLS only), AuthRequired on, LoginName the user's address. A client asking for another
//   response schema (mobilesync: Exchange ActiveSync) gets error 601, "provider not available".
// Must not know: HTTP, which domains Postern knows (the caller answers unknown ones with 404).
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "clientconfig/client_settings.h"

namespace postern::clientconfig {

inline constexpr std::size_t kMaxAutodiscoverRequest = 16 * 1024;
inline constexpr const char* kAutodiscoverContentType = "application/xml; charset=utf-8";
inline constexpr const char* kOutlookResponseSchema =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

struct AutodiscoverRequest {
  std::string emailAddress;    // as sent, trimmed
  std::string responseSchema;  // as sent; empty when the request names none
};

AutodiscoverRequest parseAutodiscoverRequest(std::string_view body);

// True when the request accepts the Outlook schema (or names none).
bool wantsOutlookSchema(const AutodiscoverRequest& request);

// The settings for an address (lower-case, at a domain Postern knows).
std::string autodiscoverResponse(const ClientSettings& settings, std::string_view address);
// Error 601: the schema the client asked for is not served here.
std::string autodiscoverSchemaNotAvailable();

}  // namespace postern::clientconfig
