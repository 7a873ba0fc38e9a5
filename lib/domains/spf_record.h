// domains SPF: the record a domain should publish, built from what carries its mail (RFC 7208 §5: include:,
// ip4:, ip6:, and an administrator's extras), ending -all or ~all; and the terms of a published record.
//
// Owns: the SPF grammar Postern writes and reads (RFC 7208 §4.6.1, §5, §6). Must not know: routes or how
// they are stored (callers pass contributions), DNS (spf_check.h asks). Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domains/verdict.h"

namespace postern::domains {

// How the record ends (RFC 7208 §8.4, §8.5): -all asks receivers to reject mail from other servers, ~all
// only to treat it with suspicion.
enum class SpfAll { Fail, SoftFail };

// One mechanism a route needs ("include:spf.protection.outlook.com", "ip4:192.0.2.0/24"), with the route's
// name so a warning can say which route it is for.
struct SpfContribution {
  std::string source;
  std::string mechanism;
};

// The mechanism a smarthost preset needs: "microsoft365" → include:spf.protection.outlook.com, "google" →
// include:_spf.google.com (the providers' published instructions); nullopt for other names.
std::optional<std::string> providerSpfMechanism(std::string_view preset);

// "v=spf1 <contributions, then extras, each once> -all" at the domain. Each mechanism must be one of
// include:DOMAIN, ip4:NETWORK, ip6:NETWORK, a[:DOMAIN], mx[:DOMAIN], exists:DOMAIN, without a qualifier;
// anything else (all, redirect=, ptr, a qualifier) throws core::InvalidValue("spf", …): the ending is
// chosen by SpfAll and ptr is deprecated (RFC 7208 §5.5).
DnsRecord buildSpfRecord(const std::string& domain, const std::vector<SpfContribution>& contributions,
                         const std::vector<std::string>& extras, SpfAll ending);

// One term of a record (RFC 7208 §4.6.1): a mechanism with its qualifier, or a modifier ("redirect", "exp").
struct SpfTerm {
  char qualifier = '+';   // '+', '-', '~' or '?'; '+' when none is written (§4.6.2)
  std::string name;       // lower case: "include", "ip4", "all", "redirect"...
  std::string argument;   // after ':' or '=' (or "/24" for "a/24"); empty when none
  bool modifier = false;  // name=value
  // The term as compared between records: lower case, '+' left out.
  std::string canonical() const;
};

// The terms after "v=spf1", split on spaces.
std::vector<SpfTerm> parseSpfTerms(std::string_view record);

}  // namespace postern::domains
