// clientconfig::ClientSettings — what every self-configuration document tells a mail client: the host name
// to submit to, the submission ports Postern listens on, the office's incoming server (IMAP or POP3 at its
// mailbox provider) and the name the account shows.
//
// Owns: the shape of these facts and the rules every document shares: submission is offered only with TLS
// (465 implicit TLS first, RFC 8314 §3.3, then 587 with STARTTLS, RFC 6409/3207) and only with password
// authentication; the login is the user's e-mail address.
// Must not know: where the values come from (app/ builds them from the configuration and the listeners).
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::clientconfig {

enum class Security { ImplicitTls, StartTls };
enum class IncomingProtocol { Imap, Pop3 };

struct IncomingServer {
  IncomingProtocol protocol = IncomingProtocol::Imap;
  std::string host;
  std::uint16_t port = 993;
  Security security = Security::ImplicitTls;
};

struct ClientSettings {
  std::string submissionHost;                // the name on Postern's certificate
  std::optional<std::uint16_t> implicitTls;  // a "submissions" port (465), when one listens
  std::optional<std::uint16_t> startTls;     // a "submission" port (587), when one listens
  std::optional<IncomingServer> incoming;    // nullopt: the documents offer sending only
  std::string displayName;                   // empty: the mail domain
};

// The account's name for a domain: the display name, or the domain when none is set.
inline std::string displayNameFor(const ClientSettings& settings, std::string_view domain) {
  return settings.displayName.empty() ? std::string(domain) : settings.displayName;
}

}  // namespace postern::clientconfig
