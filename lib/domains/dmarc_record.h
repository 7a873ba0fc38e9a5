// domains DMARC: the policy record at _dmarc.DOMAIN (RFC 7489 §6.3): the settings an administrator picks,
// the record text built from them, and the parse of a published record.
//
// Owns: the DMARC tag grammar Postern writes and reads. Must not know: DNS (dmarc_check.h asks), storage.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domains/verdict.h"

namespace postern::domains {

enum class DmarcPolicy { None, Quarantine, Reject };
enum class DmarcAlignment { Relaxed, Strict };

std::string_view dmarcPolicyName(DmarcPolicy p);  // "none", "quarantine", "reject"

struct DmarcSettings {
  DmarcPolicy policy = DmarcPolicy::None;
  std::optional<DmarcPolicy> subdomainPolicy;              // sp=; receivers use p= when absent
  int percent = 100;                                       // pct=, 0..100
  std::vector<std::string> aggregateReports;               // rua=, as URIs ("mailto:dmarc@example.org")
  std::vector<std::string> failureReports;                 // ruf=
  DmarcAlignment dkimAlignment = DmarcAlignment::Relaxed;  // adkim=
  DmarcAlignment spfAlignment = DmarcAlignment::Relaxed;   // aspf=
};

// "_dmarc.example.org" and "v=DMARC1; p=reject; ..." with tags left out where they hold their default
// (pct=100, relaxed alignment). Throws core::InvalidValue naming the tag ("pct", "rua"...) for a percentage
// outside 0..100 or a report address that is not a mailto: URI of an e-mail address.
DnsRecord buildDmarcRecord(const std::string& domain, const DmarcSettings& settings);

struct DmarcParse {
  std::optional<DmarcSettings> settings;  // nullopt when the record cannot be read
  std::string error;                      // why not, in plain words
};

// RFC 7489 §6.3/§6.4: v=DMARC1 first, then tags in any order; unknown tags ignored. A record without a
// valid p= but with a valid rua= reads as p=none (§6.6.3).
DmarcParse parseDmarcRecord(std::string_view record);

// The domain of a report URI: "mailto:d@reports.example.net!10m" → "reports.example.net"; empty when not a
// mailto: URI.
std::string reportDomain(std::string_view uri);

}  // namespace postern::domains
