// domains DMARC check: reads _dmarc.DOMAIN, compares it with the policy the administrator wants, and warns
// where the published policy protects less than it seems (RFC 7489): p=none, pct below 100 (pct=0 applies
// the policy to no mail at all), no rua, rua at another domain that has not agreed to receive the reports
// (§7.1), and strict DKIM alignment that the keys signing the domain's mail would fail (§3.1.1).
//
// A domain without a record of its own is still "missing", but the verdict says which parent's record
// covers its mail and with what policy (§6.6.3), found by walking up the DNS tree (DMARCbis) rather than
// through the Public Suffix List. Simplification: "another domain" for rua compares names (the same
// domain, a parent or a child is the same), not organisational domains.
// Must not know: storage, HTTP, DKIM keys (callers pass the d= domains that sign). Thread-safety: a pure
// function of its arguments; the resolver's own rules apply.
#pragma once

#include <string>
#include <vector>

#include "dns/resolver.h"
#include "domains/dmarc_record.h"
#include "domains/verdict.h"

namespace postern::domains {

// signingDomains: the d= of every key that signs this domain's mail (usually the domain itself).
Verdict checkDmarc(const std::string& domain, const DmarcSettings& wanted,
                   const std::vector<std::string>& signingDomains, dns::Resolver& resolver);

// "example.org._report._dmarc.reports.example.net" (RFC 7489 §7.1).
std::string reportAuthorisationName(const std::string& domain, const std::string& reportDomain);

}  // namespace postern::domains
