// domains SPF check: reads the SPF record published at a domain and everything it leads to, and says
// whether it is the record Postern suggests and whether receivers can evaluate it at all.
//
// Counts the DNS-querying terms (include, a, mx, ptr, exists, redirect) through every include and redirect
// as RFC 7208 §4.6.4 does, and the void lookups (names with no answer); stops at a loop (an include or
// redirect back to a record being read) and past the limit, so a hostile chain costs a bounded number of
// lookups. a and mx are looked up only to count void lookups: no address is evaluated.
//
// Must not know: routes, storage, HTTP (callers pass the expected record and what the routes need).
// Thread-safety: a pure function of its arguments; the resolver's own rules apply.
#pragma once

#include <string>
#include <vector>

#include "dns/resolver.h"
#include "domains/spf_record.h"
#include "domains/verdict.h"

namespace postern::domains {

// RFC 7208 §4.6.4: more than ten DNS-querying terms, or more than two void lookups, is a permanent error.
constexpr int kSpfLookupLimit = 10;
constexpr int kSpfVoidLookupLimit = 2;
// An mx mechanism may lead to the addresses of at most ten MX hosts (RFC 7208 §4.6.4).
constexpr std::size_t kSpfMxHostLimit = 10;

struct SpfVerdict {
  Verdict verdict;
  int lookups = 0;      // DNS-querying terms counted through every include and redirect
  int voidLookups = 0;  // of those, names that gave no answer (NXDOMAIN or no records)
};

// expected: the record Postern suggests (buildSpfRecord); required: what each route needs, which must
// appear somewhere in the published record or the records it includes.
SpfVerdict checkSpf(const std::string& domain, const DnsRecord& expected,
                    const std::vector<SpfContribution>& required, dns::Resolver& resolver);

}  // namespace postern::domains
