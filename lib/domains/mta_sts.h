// domains MTA-STS and TLS-RPT for the office's own inbound mail: the policy file senders fetch from
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 §3.2), the _mta-sts TXT record announcing it
// (RFC 8461 §3.1) with an id derived from the policy text, so it changes whenever the policy does, and the
// _smtp._tls TXT record naming where TLS reports go (RFC 8460 §3).
//
// Must not know: HTTP or certificates (the web module serves the file), storage. Thread-safety: pure
// functions; the resolver's own rules apply.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "dns/resolver.h"
#include "domains/verdict.h"

namespace postern::domains {

enum class StsMode { Enforce, Testing, None };
std::string_view stsModeName(StsMode m);  // "enforce", "testing", "none"

struct MtaStsPolicy {
  StsMode mode = StsMode::Testing;
  std::vector<std::string> mx;  // "mail.example.org" or "*.example.org" (a wildcard for one label only)
  std::chrono::seconds maxAge{std::chrono::hours(24 * 7)};
};

// RFC 8461 §3.2: max_age at most 31557600 s; mx patterns are host names, "*." only as the first label;
// testing and enforce need at least one mx. Throws core::InvalidValue("mx" | "max_age", …).
void validate(const MtaStsPolicy& policy);

// "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmax_age: 604800\r\n" (validated first).
std::string mtaStsPolicyText(const MtaStsPolicy& policy);
// 32 hex digits of the SHA-256 of the policy text: 1-32 alphanumerics as §3.1 requires, and a different
// policy gives a different id, which is what makes senders fetch it again.
std::string mtaStsPolicyId(const MtaStsPolicy& policy);
// "mta-sts.example.org": the host name the policy is served at and its certificate must name.
std::string mtaStsPolicyHost(const std::string& domain);

// "_mta-sts.example.org" TXT "v=STSv1; id=…".
DnsRecord mtaStsRecord(const std::string& domain, const MtaStsPolicy& policy);
// "_smtp._tls.example.org" TXT "v=TLSRPTv1; rua=mailto:…"; each rua a mailto: or https: URI
// (RFC 8460 §3), else core::InvalidValue("rua", …).
DnsRecord tlsRptRecord(const std::string& domain, const std::vector<std::string>& reportUris);

// Matches when exactly one v=STSv1 record carries the current policy's id.
Verdict checkMtaSts(const std::string& domain, const MtaStsPolicy& policy, dns::Resolver& resolver);
// Matches when exactly one v=TLSRPTv1 record names the same report URIs.
Verdict checkTlsRpt(const std::string& domain, const std::vector<std::string>& reportUris,
                    dns::Resolver& resolver);

}  // namespace postern::domains
