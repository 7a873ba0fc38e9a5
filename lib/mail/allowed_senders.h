// mail::AllowedSenders — the sender addresses one user may use: exact addresses and whole domains
// ("@example.org"). Used for the envelope MAIL FROM and the header From/Sender (README "Sender rules").
//
// Owns: the matching rule. Must not know: where the patterns are stored. Thread-safety: immutable value.
#pragma once

#include <string>
#include <vector>

#include "mail/address.h"

namespace postern::mail {

class AllowedSenders {
 public:
  AllowedSenders() = default;
  // Patterns are "local@domain" or "@domain"; case does not matter. Malformed patterns are ignored.
  explicit AllowedSenders(const std::vector<std::string>& patterns);

  bool allows(const Address& address) const;
  bool empty() const { return addresses_.empty() && domains_.empty(); }

  // Normalises a pattern for storage ("Alice@Example.ORG" → "alice@example.org", "@Example.org" →
  // "@example.org"); nullopt when it is neither an address nor "@domain".
  static std::optional<std::string> normalisePattern(std::string_view pattern);

 private:
  std::vector<std::string> addresses_;  // lower-case "local@domain"
  std::vector<std::string> domains_;    // lower-case "domain"
};

}  // namespace postern::mail
