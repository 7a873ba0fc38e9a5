// clientconfig::requestedAddress — the e-mail address a client asks about (Thunderbird's ?emailaddress=,
// Outlook's <EMailAddress>), checked before anything is looked up for it.
//
// Must not know: which domains Postern knows (the caller decides). Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postern::clientconfig {

struct RequestedAddress {
  std::string address;  // lower-case ASCII (mail::Address::key()): how logins are stored
  std::string domain;   // lower-case ASCII
};

// nullopt unless text is one RFC 5321 mailbox at a domain name (no address literal), within its length
// limits; surrounding spaces are ignored.
std::optional<RequestedAddress> requestedAddress(std::string_view text);

}  // namespace postern::clientconfig
