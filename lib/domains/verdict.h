// domains::Verdict — what a record check concludes, in a form both the admin's screens and the tests can
// read: a status, one sentence for an office administrator who is not a mail expert (what is wrong and
// what to do), the difference when the published record is not the expected one, and the warnings found.
// Also domains::DnsRecord, a record to publish.
//
// Owns: the vocabulary of verdicts and warnings shared by the DKIM, SPF, DMARC, MTA-STS and TLS-RPT checks.
// Must not know: how answers are obtained (it reads dns answers, never asks), HTTP, printing.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "dns/resolver.h"

namespace postern::domains {

enum class Status {
  Matches,       // published as expected (warnings may still apply)
  Differs,       // something is published, but not what it should be: see difference
  Missing,       // nothing of the kind is published
  LookupFailed,  // DNS did not answer; nothing is known about what is published
};

// The specific problems a check can find; the UI can style them, tests assert them.
enum class Finding {
  SpfAllowsEveryone,      // +all or ?all (RFC 7208 §5.1)
  SpfSeveralRecords,      // more than one v=spf1 record: a permanent error (RFC 7208 §4.5)
  SpfUsesPtr,             // ptr: "SHOULD NOT be used" (RFC 7208 §5.5)
  SpfTooManyLookups,      // more than ten DNS-querying terms (RFC 7208 §4.6.4)
  SpfTooManyVoidLookups,  // more than two lookups with no answer (RFC 7208 §4.6.4)
  SpfTooManyMxHosts,      // an mx mechanism whose domain has more than ten MX hosts (RFC 7208 §4.6.4)
  SpfIncludeLoop,         // an include or redirect leads back to a record already being read
  SpfBrokenInclude,       // an include or redirect names a domain with no SPF record (RFC 7208 §5.2, §6.1)
  SpfLookupFailed,        // a record in the chain could not be looked up: the count is incomplete
  SpfProviderMissing,     // a route's provider (include:, ip4:, ip6:) is not in the published record
  DmarcSeveralRecords,    // more than one v=DMARC1 record: no policy applies (RFC 7489 §6.6.3)
  DmarcMalformed,         // the record cannot be read (RFC 7489 §6.3)
  DmarcPolicyNone,        // p=none: reports only
  DmarcPercentBelow100,   // 0 < pct < 100
  DmarcPercentZero,       // pct=0: the policy applies to no mail
  DmarcNoReports,         // no rua: nobody receives the aggregate reports
  DmarcReportsNotAuthorised,  // rua at another domain without its authorisation record (RFC 7489 §7.1)
  DmarcReportsAuthorisationUnknown,  // that authorisation record could not be looked up
  DmarcStrictDkimAlignmentFails,     // adkim=s, but no key signs with d= exactly this domain
  DkimQuotedStrings,                 // the record holds '"' characters: quotes typed into the value
  DkimSeveralRecords,                // more than one TXT record at the key's name
  StsSeveralRecords,     // more than one v=STSv1 record: senders ignore the policy (RFC 8461 §3.1)
  TlsRptSeveralRecords,  // more than one v=TLSRPTv1 record (RFC 8460 §3)
};

struct Warning {
  Finding finding;
  std::string advice;  // one sentence, plain words: what is wrong and what to do
};

struct Verdict {
  Status status = Status::LookupFailed;
  std::string advice;      // one sentence: the record's state and what to do about it
  std::string difference;  // for Differs: what differs, e.g. "published p=none, expected p=reject"
  std::vector<std::string> published;  // the relevant records as found, each its strings joined
  std::vector<Warning> warnings;

  bool has(Finding f) const;
  void warn(Finding f, std::string advice);
};

// A record to publish: the name (no final dot), its value as one string, and the value as DNS stores it,
// cut into character-strings of at most 255 octets (RFC 1035 §3.3.14).
struct DnsRecord {
  std::string name;
  std::string value;
  std::vector<std::string> strings() const;
};

// The verdict for a lookup that failed, with the resolver's reason in the sentence.
Verdict lookupFailed(const std::string& what, const dns::TxtAnswer& answer);

// A record of which exactly one may be published at its name (SPF, DMARC, MTA-STS, TLS-RPT): its version
// tag, what it is called in sentences, and what to tell the administrator when none or several are found.
struct SingleRecordRule {
  std::string label;  // "DMARC": "The DMARC record could not be checked", "2 DMARC records are published"
  std::string versionTag;  // "v=DMARC1"
  Finding several;         // the warning for several records
  std::string missingAdvice;
  std::string severalAdvice;
};

// The start every check of such a record shares. decided: the lookup failed (LookupFailed), nothing is
// published (Missing) or several records are (Differs, warned with rule.several), and the verdict is final;
// otherwise exactly one record is published (verdict.published.front()) and the check goes on with it.
struct FirstLook {
  Verdict verdict;
  bool decided = false;
};
FirstLook lookAtSingleRecord(const dns::TxtAnswer& answer, const SingleRecordRule& rule);

// The TXT records at a name whose text starts with the given version tag ("v=spf1", "v=DMARC1"), compared
// without regard to case and followed by the end, a space or ';' (RFC 7208 §4.5, RFC 7489 §6.4).
std::vector<std::string> recordsStartingWith(const dns::TxtAnswer& answer, const std::string& versionTag);

// Lower case, no final dot: names compared as DNS compares them (RFC 4343).
std::string normalisedName(const std::string& name);

}  // namespace postern::domains
