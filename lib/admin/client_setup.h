// admin::ClientSetup — the mail client documents (lib/clientconfig) for the people and domains Postern
// knows: Thunderbird autoconfig and Outlook Autodiscover for anyone asking about an address at a domain
// Postern sends for, and the Apple profile of one user, for an administrator or for the user after proving
// the password.
//
// Owns the rules:
// - Only known domains get a document: the domain of a user's login or of a sender pattern
//   (store::DomainRepository::senderDomains). Any other domain is core::NotFound, so the public listener is
//   never a document generator for arbitrary names. Autoconfig and Autodiscover only say which servers a
//   domain uses, the same for every address there: they never reveal whether a user exists.
// - A user's own profile needs the mail password, checked by auth::CredentialVerifier (the one SMTP AUTH
//   uses: unknown user, disabled user and wrong password are one answer, Refused, in comparable time) and
//   throttled by the SMTP AUTH throttle itself, per client group: a guesser gains no attempts by switching
//   between SMTP and HTTPS. A reservation is taken before the password is checked (failure_throttle.h).
// Must not know: HTTP. Never logs, never returns the password.
// Errors: core::NotFound (unknown domain or user), core::InvalidValue("request", …) for an unreadable
// Autodiscover request, core::Conflict when the settings cannot make an Apple profile, core::Error
// (temporary) when the store fails.
// Thread-safety: thread-safe (the stores, verifier and throttle are; the settings are immutable).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credential_verifier.h"
#include "auth/failure_throttle.h"
#include "clientconfig/client_settings.h"
#include "store/domain_repository.h"
#include "store/user_repository.h"

namespace postern::admin {

struct AutodiscoverAnswer {
  std::string document;  // always sent with 200: Outlook reads errors from the body
};

struct ProfileDownload {
  enum class Status { Ok, Refused, Throttled, Unavailable };
  Status status = Status::Refused;
  std::string login;     // with Ok: as stored
  std::string document;  // with Ok
};

class ClientSetup {
 public:
  // The throttle key of a client address (the SMTP listeners count IPv6 clients by /64).
  using ClientKey = std::function<std::string(const std::string& clientAddress)>;

  ClientSetup(clientconfig::ClientSettings settings, store::DomainRepository& domains,
              store::UserRepository& users, auth::CredentialVerifier& verifier,
              auth::FailureThrottle& throttle, ClientKey clientKey)
      : settings_(std::move(settings)),
        domains_(domains),
        users_(users),
        verifier_(verifier),
        throttle_(throttle),
        clientKey_(std::move(clientKey)) {}

  const clientconfig::ClientSettings& settings() const { return settings_; }

  // The autoconfig document for an e-mail address (?emailaddress=) or, when address is empty, for the
  // domain the request named (autoconfig.DOMAIN). NotFound for anything else.
  std::string autoconfig(std::string_view address, std::string_view domain);
  // The answer to an Autodiscover POST body (or to a GET's ?emailaddress=, as a body-less request).
  AutodiscoverAnswer autodiscover(std::string_view body);
  AutodiscoverAnswer autodiscoverFor(std::string_view address);
  // An administrator's download: NotFound for no such user; Conflict without clients.incoming.
  std::string profileOf(std::string_view login);
  // A user's own download with the mail password.
  ProfileDownload profileWithPassword(std::string_view login, std::string_view password,
                                      const std::string& clientAddress);

 private:
  // Lower-case domain when Postern sends for it, else NotFound.
  std::string requireKnownDomain(std::string_view domain);

  const clientconfig::ClientSettings settings_;
  store::DomainRepository& domains_;
  store::UserRepository& users_;
  auth::CredentialVerifier& verifier_;
  auth::FailureThrottle& throttle_;
  ClientKey clientKey_;
};

}  // namespace postern::admin
