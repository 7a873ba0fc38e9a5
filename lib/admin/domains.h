// admin::Domains — the mail domains Postern knows, the DNS records each should publish (DKIM, SPF, DMARC,
// MTA-STS, TLS-RPT) with the settings an administrator chooses, and the live check of what is published,
// as the CLI (`postern domain ...`), the web API and the server's background check share them.
//
// Owns the rules:
// - A domain is known when it has a source: "address" (the domain of a user's login or of a sender pattern:
//   a login is the address its user submits as, so its domain is one Postern sends for), "dkim" (a key of
//   any state), "route" (a route's sender pattern "@domain" or "x@domain"), "added" (an administrator
//   added it). Settings of a domain that is no longer known are kept but not shown.
// - The records, in this order: one DKIM record per key to publish (pending, active, and retired within
//   the last 30 days, while mail signed with it may still be verified); SPF from the routes that carry the
//   domain's mail (those whose patterns name the domain, and the "*" route unless an "@domain" route takes
//   all of it), each with its preset's provider include (recognised by the smarthost) and its own spf
//   setting, then the extras; DMARC from the settings, with the domain as its signing domain when it has a
//   key; MTA-STS, and TLS-RPT when report addresses are given, unless the mode is none.
// - Settings are validated with the record builders; core::InvalidValue names the field as the API does
//   ("dmarc.rua", "spf.extra", "mtaSts.mx").
// - A check asks every record through the dns::Resolver and replaces the domain's stored checks; a failed
//   resolver gives lookup_failed per record, never an exception.
// Must not know: HTTP, printing, c-ares (the resolver is passed in).
// Thread-safety: thread-safe if the resolver is (the stores are); checks of one domain may run together,
// the later one's results are kept.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "dns/resolver.h"
#include "domains/dmarc_record.h"
#include "domains/mta_sts.h"
#include "domains/spf_record.h"
#include "domains/verdict.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"

namespace postern::admin {

enum class RecordKind { Dkim, Spf, Dmarc, MtaSts, TlsRpt };
std::string_view recordKindName(RecordKind kind);  // "dkim", "spf", "dmarc", "mta-sts", "tls-rpt"
// "spf_allows_everyone": the snake_case of the finding, as the API and the stored checks name it.
std::string findingName(domains::Finding finding);
// "matches", "differs", "missing", "lookup_failed".
std::string_view statusName(domains::Status status);

struct SpfSettings {
  domains::SpfAll all = domains::SpfAll::Fail;
  std::vector<std::string> extra;  // "ip4:192.0.2.10", "include:_spf.example.net"
};

struct MtaStsSettings {
  domains::MtaStsPolicy policy{domains::StsMode::None, {}, std::chrono::seconds(604800)};
  std::vector<std::string> tlsRptRua;  // "mailto:tls-reports@example.org"
};

// The DMARC policy wanted for a new domain: quarantine, not none. p=none only collects reports while forged
// mail is still delivered; the domain page says what each policy does and lets the admin choose.
inline domains::DmarcSettings defaultDmarcSettings() {
  domains::DmarcSettings settings;
  settings.policy = domains::DmarcPolicy::Quarantine;
  return settings;
}

struct DomainSettings {
  domains::DmarcSettings dmarc = defaultDmarcSettings();
  SpfSettings spf;
  MtaStsSettings mtaSts;
};

struct RecordCheckView {
  std::string status = "unchecked";  // statusName(), or "unchecked" before the first check
  std::string advice;
  std::string difference;
  std::vector<std::string> published;
  std::vector<store::RecordCheckWarning> warnings;
  std::optional<std::chrono::system_clock::time_point> checkedAt;
};

struct RecordView {
  RecordKind kind = RecordKind::Dkim;
  std::string name;  // where to publish it, no final dot
  std::string value;
  std::vector<std::string> strings;  // value cut into 255-octet character-strings
  std::string why;
  std::string selector, keyState;  // DKIM only
  std::optional<int> lookups;      // SPF only, from the last check
  RecordCheckView check;
};

struct MtaStsPolicyView {
  std::string host, url, text, id;
};

struct DomainView {
  std::string domain;
  std::vector<std::string> sources;  // "address", "dkim", "route", "added", in that order
  DomainSettings settings;
  std::vector<RecordView> records;
  std::optional<MtaStsPolicyView> mtaStsPolicy;  // nullopt when the mode is none
  std::optional<std::chrono::system_clock::time_point> lastCheck;
};

struct DomainSummary {
  std::string domain;
  std::vector<std::string> sources;
  std::optional<std::chrono::system_clock::time_point> lastCheck;
  int problems = 0;  // records whose last check is not "matches", plus warnings
};

// A group given replaces that whole group of settings.
struct DomainChange {
  std::optional<domains::DmarcSettings> dmarc;
  std::optional<SpfSettings> spf;
  std::optional<MtaStsSettings> mtaSts;
};

// A record whose last check did not match, as stored.
struct FailingRecord {
  std::string kind;    // recordKindName()
  std::string name;    // "_dmarc.example.org"
  std::string status;  // statusName(): "differs", "missing", "lookup_failed"...
};

// A domain with records that failed their last check, for the dashboard.
struct FailingDomain {
  std::string domain;
  std::vector<FailingRecord> records;
};

class Domains {
 public:
  Domains(store::DomainRepository& domains, store::DkimKeyRepository& keys, store::RouteRepository& routes,
          dns::Resolver& resolver, const core::Clock& clock = core::SystemClock::instance())
      : domains_(domains), keys_(keys), routes_(routes), resolver_(resolver), clock_(clock) {}

  std::vector<DomainSummary> list();  // sorted by name
  // nullopt when the domain is not known (or not a domain name).
  std::optional<DomainView> show(std::string_view domain);
  // core::InvalidValue("domain", …) for a name that is not a domain; core::AlreadyExists when an
  // administrator added it already.
  DomainView add(std::string_view domain);
  // core::NotFound for an unknown domain; core::InvalidValue naming the field.
  DomainView change(std::string_view domain, const DomainChange& change);
  // Drops the "added" mark and the settings. core::NotFound when not added; core::Conflict while an
  // address, key or route still names it.
  void remove(std::string_view domain);
  // Checks every record now and stores the results. core::NotFound for an unknown domain.
  DomainView check(std::string_view domain);
  // Checks every known domain; a domain whose check fails to store is skipped (and reported by the
  // returned count of domains not checked). Once stopping() says so (the server is shutting down), the
  // domains not yet checked are left and counted as not checked.
  std::size_t checkAll(const std::function<bool()>& stopping = {});
  // The DKIM record of one stored key, checked now (the DKIM activation gate). core::NotFound when there
  // is no such key.
  domains::Verdict checkDkimKey(std::string_view domain, std::string_view selector);
  // From the stored checks of the known domains.
  std::vector<FailingDomain> failing();
  // The MTA-STS policy that https://mta-sts.DOMAIN/.well-known/mta-sts.txt serves: host is the name the
  // client asked for (lower case, no port, no final dot); nullopt unless it is mta-sts.DOMAIN of a known
  // domain whose policy mode is not none. Any other host costs one settings lookup, never a listing of the
  // known domains (the public listener takes requests from anyone).
  std::optional<MtaStsPolicyView> policyForHost(std::string_view host);

 private:
  struct Known;
  std::vector<Known> known();
  std::optional<Known> findKnown(const std::string& domain);
  DomainSettings settingsOf(const std::string& domain);
  DomainView build(const Known& known, bool withChecks);
  std::vector<store::RecordCheckRecord> runChecks(const Known& known);

  store::DomainRepository& domains_;
  store::DkimKeyRepository& keys_;
  store::RouteRepository& routes_;
  dns::Resolver& resolver_;
  const core::Clock& clock_;
};

// The settings validated against the record builders for the domain; throws core::InvalidValue naming the
// field ("dmarc.percent", "dmarc.rua", "spf.extra", "mtaSts.mx", "mtaSts.maxAge", "mtaSts.tlsRptRua").
void validate(const std::string& domain, const DomainSettings& settings);

}  // namespace postern::admin
