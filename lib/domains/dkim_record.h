// domains DKIM: the TXT record a DKIM key needs (RFC 6376 §3.6.1, §3.6.2.2; Ed25519 per RFC 8463 §4) and
// whether what is published at SELECTOR._domainkey.DOMAIN is that record.
//
// Owns: the comparison of a published key record with the key's own. Must not know: where keys are stored
// or how they are sealed (the record text comes from dkim::dnsRecordValue, which the DKIM admin uses too),
// how the DNS is asked (dns::Resolver). Thread-safety: pure functions; the resolver's own rules apply.
#pragma once

#include <string>

#include "dkim/keys.h"
#include "dns/resolver.h"
#include "domains/verdict.h"

namespace postern::domains {

// A key as the record needs it: the p= value is public, so this works without the master key.
struct DkimPublicKey {
  std::string domain;
  std::string selector;
  dkim::KeyAlgorithm algorithm = dkim::KeyAlgorithm::Rsa;
  std::string publicKey;  // the p= value (dkim::dnsPublicKey)
};

// "sel._domainkey.example.org" and "v=DKIM1; k=rsa; p=…"; strings() gives the 255-octet parts.
DnsRecord dkimRecord(const DkimPublicKey& key);

// Matches when exactly one TXT record is published at the key's name and it carries this key (k= and p=,
// compared as a verifier reads them: tags in any order, white space ignored, RFC 6376 §3.2, §3.6.1).
// Differs names what differs (another key, a revoked key, another algorithm, quotes typed into the value,
// several records); Missing when the name has no TXT record; LookupFailed with the resolver's reason.
Verdict checkDkim(const DkimPublicKey& key, dns::Resolver& resolver);

}  // namespace postern::domains
