#include "admin/domains.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "dkim/keys.h"
#include "domains/dkim_record.h"
#include "domains/dmarc_check.h"
#include "domains/spf_check.h"
#include "oauth/presets.h"

namespace postern::admin {

namespace {

using Clock = std::chrono::system_clock;
constexpr auto kRetiredKeysPublished = std::chrono::hours(24 * 30);

const char* const kWhy[] = {
    "Receivers verify this key's signatures with it; without it they treat signed mail as unsigned.",
    "Receivers accept mail from the servers listed here and distrust mail from any other.",
    "Tells receivers what to do with mail that fails DKIM and SPF alignment, and where to send reports.",
    "Announces the MTA-STS policy, so that senders deliver to this domain only over verified TLS.",
    "Names where senders report failed TLS connections to this domain's mail servers.",
};

std::string_view policyName(domains::DmarcPolicy p) { return domains::dmarcPolicyName(p); }

std::optional<domains::DmarcPolicy> parsePolicy(const std::string& text) {
  if (text == "none") return domains::DmarcPolicy::None;
  if (text == "quarantine") return domains::DmarcPolicy::Quarantine;
  if (text == "reject") return domains::DmarcPolicy::Reject;
  return std::nullopt;
}

domains::StsMode parseMode(const std::string& text) {
  if (text == "testing") return domains::StsMode::Testing;
  if (text == "enforce") return domains::StsMode::Enforce;
  return domains::StsMode::None;
}

domains::DmarcAlignment alignment(const std::string& text) {
  return text == "s" ? domains::DmarcAlignment::Strict : domains::DmarcAlignment::Relaxed;
}
std::string alignmentName(domains::DmarcAlignment a) {
  return a == domains::DmarcAlignment::Strict ? "s" : "r";
}

DomainSettings fromRecord(const store::DomainRecord& r) {
  DomainSettings s;
  s.dmarc.policy = parsePolicy(r.dmarcPolicy).value_or(domains::DmarcPolicy::Quarantine);
  s.dmarc.subdomainPolicy = parsePolicy(r.dmarcSubdomainPolicy);
  s.dmarc.percent = r.dmarcPercent;
  s.dmarc.aggregateReports = r.dmarcRua;
  s.dmarc.failureReports = r.dmarcRuf;
  s.dmarc.dkimAlignment = alignment(r.dmarcAdkim);
  s.dmarc.spfAlignment = alignment(r.dmarcAspf);
  s.spf.all = r.spfAll == "~all" ? domains::SpfAll::SoftFail : domains::SpfAll::Fail;
  s.spf.extra = r.spfExtra;
  s.mtaSts.policy.mode = parseMode(r.mtaStsMode);
  s.mtaSts.policy.mx = r.mtaStsMx;
  s.mtaSts.policy.maxAge = std::chrono::seconds(r.mtaStsMaxAge);
  s.mtaSts.tlsRptRua = r.tlsRptRua;
  return s;
}

void toRecord(const DomainSettings& s, store::DomainRecord& r) {
  r.dmarcPolicy = std::string(policyName(s.dmarc.policy));
  r.dmarcSubdomainPolicy = s.dmarc.subdomainPolicy ? std::string(policyName(*s.dmarc.subdomainPolicy)) : "";
  r.dmarcPercent = s.dmarc.percent;
  r.dmarcRua = s.dmarc.aggregateReports;
  r.dmarcRuf = s.dmarc.failureReports;
  r.dmarcAdkim = alignmentName(s.dmarc.dkimAlignment);
  r.dmarcAspf = alignmentName(s.dmarc.spfAlignment);
  r.spfAll = s.spf.all == domains::SpfAll::SoftFail ? "~all" : "-all";
  r.spfExtra = s.spf.extra;
  r.mtaStsMode = std::string(domains::stsModeName(s.mtaSts.policy.mode));
  r.mtaStsMx = s.mtaSts.policy.mx;
  r.mtaStsMaxAge = s.mtaSts.policy.maxAge.count();
  r.tlsRptRua = s.mtaSts.tlsRptRua;
}

// Runs a builder, renaming the field of what it refuses to the API's name for it.
template <typename Body>
auto naming(const std::map<std::string, std::string>& fields, const std::string& fallback, Body body) {
  try {
    return body();
  } catch (const core::InvalidValue& e) {
    const auto it = fields.find(e.field());
    throw core::InvalidValue(it != fields.end() ? it->second : fallback, e.what());
  }
}

std::string hostOf(const std::string& hostPort) {
  std::string host = hostPort;
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon)
    host.resize(colon);
  return core::toLowerAscii(host);
}

// The preset whose smarthost the route uses: presets are not stored with the route, their smarthost is.
std::optional<std::string> providerMechanism(const store::RouteRecord& route) {
  for (const auto& name : oauth::presetNames()) {
    std::optional<oauth::Preset> preset;
    try {
      preset = oauth::preset(name, "example.org", modes::Grant::RefreshToken);
    } catch (const core::Error&) {
      continue;
    }
    if (!preset) continue;
    for (const auto& host : route.hosts)
      if (hostOf(host) == hostOf(preset->smarthost)) return domains::providerSpfMechanism(name);
  }
  return std::nullopt;
}

std::string domainOfPattern(const std::string& pattern) {
  const auto at = pattern.rfind('@');
  return at == std::string::npos ? std::string() : pattern.substr(at + 1);
}

// The routes whose patterns name the domain, and the "*" route unless an "@domain" route takes all of it.
std::vector<store::RouteRecord> carrying(const std::vector<store::RouteRecord>& routes,
                                         const std::string& domain) {
  std::vector<store::RouteRecord> out;
  bool wholeDomain = false;
  for (const auto& r : routes)
    for (const auto& p : r.senders)
      if (p == "@" + domain) wholeDomain = true;
  for (const auto& r : routes) {
    const bool names = std::any_of(r.senders.begin(), r.senders.end(), [&](const std::string& p) {
      return domainOfPattern(p) == domain || (p == "*" && !wholeDomain);
    });
    if (names) out.push_back(r);
  }
  return out;
}

std::vector<domains::SpfContribution> contributions(const std::vector<store::RouteRecord>& routes) {
  std::vector<domains::SpfContribution> out;
  for (const auto& r : routes) {
    if (const auto m = providerMechanism(r)) out.push_back({r.name, *m});
    for (const auto& m : core::splitList(r.spf, ' '))
      if (!m.empty()) out.push_back({r.name, m});
  }
  return out;
}

store::RecordCheckRecord toCheck(const RecordView& record, const domains::Verdict& v, Clock::time_point now) {
  store::RecordCheckRecord c;
  c.kind = std::string(recordKindName(record.kind));
  c.name = record.name;
  c.status = std::string(statusName(v.status));
  c.advice = v.advice;
  c.difference = v.difference;
  c.published = v.published;
  for (const auto& w : v.warnings) c.warnings.push_back({findingName(w.finding), w.advice});
  c.checkedAt = now;
  return c;
}

MtaStsPolicyView policyView(const std::string& domain, const domains::MtaStsPolicy& policy) {
  const std::string host = domains::mtaStsPolicyHost(domain);
  return MtaStsPolicyView{host, "https://" + host + "/.well-known/mta-sts.txt",
                          domains::mtaStsPolicyText(policy), domains::mtaStsPolicyId(policy)};
}

}  // namespace

std::string_view recordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::Dkim:
      return "dkim";
    case RecordKind::Spf:
      return "spf";
    case RecordKind::Dmarc:
      return "dmarc";
    case RecordKind::MtaSts:
      return "mta-sts";
    case RecordKind::TlsRpt:
      return "tls-rpt";
  }
  return "dkim";
}

std::string_view statusName(domains::Status status) {
  switch (status) {
    case domains::Status::Matches:
      return "matches";
    case domains::Status::Differs:
      return "differs";
    case domains::Status::Missing:
      return "missing";
    case domains::Status::LookupFailed:
      return "lookup_failed";
  }
  return "lookup_failed";
}

std::string findingName(domains::Finding f) {
  using F = domains::Finding;
  switch (f) {
    case F::SpfAllowsEveryone:
      return "spf_allows_everyone";
    case F::SpfSeveralRecords:
      return "spf_several_records";
    case F::SpfUsesPtr:
      return "spf_uses_ptr";
    case F::SpfTooManyLookups:
      return "spf_too_many_lookups";
    case F::SpfTooManyVoidLookups:
      return "spf_too_many_void_lookups";
    case F::SpfIncludeLoop:
      return "spf_include_loop";
    case F::SpfBrokenInclude:
      return "spf_broken_include";
    case F::SpfLookupFailed:
      return "spf_lookup_failed";
    case F::SpfProviderMissing:
      return "spf_provider_missing";
    case F::DmarcSeveralRecords:
      return "dmarc_several_records";
    case F::DmarcMalformed:
      return "dmarc_malformed";
    case F::DmarcPolicyNone:
      return "dmarc_policy_none";
    case F::DmarcPercentBelow100:
      return "dmarc_percent_below100";
    case F::DmarcPercentZero:
      return "dmarc_percent_zero";
    case F::DmarcNoReports:
      return "dmarc_no_reports";
    case F::DmarcReportsNotAuthorised:
      return "dmarc_reports_not_authorised";
    case F::DmarcReportsAuthorisationUnknown:
      return "dmarc_reports_authorisation_unknown";
    case F::DmarcStrictDkimAlignmentFails:
      return "dmarc_strict_dkim_alignment_fails";
    case F::DkimQuotedStrings:
      return "dkim_quoted_strings";
    case F::DkimSeveralRecords:
      return "dkim_several_records";
    case F::StsSeveralRecords:
      return "sts_several_records";
    case F::TlsRptSeveralRecords:
      return "tls_rpt_several_records";
  }
  return "unknown";
}

void validate(const std::string& domain, const DomainSettings& s) {
  naming({{"pct", "dmarc.percent"}, {"rua", "dmarc.rua"}, {"ruf", "dmarc.ruf"}}, "dmarc",
         [&] { return domains::buildDmarcRecord(domain, s.dmarc); });
  naming({}, "spf.extra", [&] {
    std::vector<std::string> extras;
    for (const auto& e : s.spf.extra) extras.push_back(e);
    return domains::buildSpfRecord(domain, {}, extras, s.spf.all);
  });
  if (s.mtaSts.policy.mode != domains::StsMode::None)
    naming({{"mx", "mtaSts.mx"}, {"max_age", "mtaSts.maxAge"}}, "mtaSts",
           [&] { return domains::validate(s.mtaSts.policy), 0; });
  else if (s.mtaSts.policy.maxAge.count() < 0 || s.mtaSts.policy.maxAge.count() > 31557600)
    throw core::InvalidValue("mtaSts.maxAge", "max_age must be between 0 and 31557600 seconds");
  if (!s.mtaSts.tlsRptRua.empty())
    naming({}, "mtaSts.tlsRptRua", [&] { return domains::tlsRptRecord(domain, s.mtaSts.tlsRptRua); });
}

struct Domains::Known {
  std::string domain;
  std::vector<std::string> sources;
  std::vector<store::DkimKeyRecord> keys;
  std::vector<store::RouteRecord> routes;  // every route: which carry the domain is decided per record
};

std::vector<Domains::Known> Domains::known() {
  std::map<std::string, Known> byName;
  auto source = [&](const std::string& domain, const char* why) {
    if (domain.empty()) return;
    Known& k = byName[domain];
    k.domain = domain;
    if (std::find(k.sources.begin(), k.sources.end(), why) == k.sources.end()) k.sources.push_back(why);
  };
  for (const auto& d : domains_.senderDomains()) source(d, "address");
  const auto keys = keys_.list();
  for (const auto& key : keys) source(key.domain, "dkim");
  const auto routes = routes_.list();
  for (const auto& r : routes)
    for (const auto& p : r.senders) source(domainOfPattern(p), "route");
  for (const auto& d : domains_.list())
    if (d.added) source(d.name, "added");
  std::vector<Known> out;
  for (auto& [name, k] : byName) {
    for (const auto& key : keys)
      if (key.domain == name) k.keys.push_back(key);
    k.routes = routes;
    out.push_back(std::move(k));
  }
  return out;
}

std::optional<Domains::Known> Domains::findKnown(const std::string& domain) {
  for (auto& k : known())
    if (k.domain == domain) return k;
  return std::nullopt;
}

DomainSettings Domains::settingsOf(const std::string& domain) {
  const auto r = domains_.find(domain);
  return r ? fromRecord(*r) : DomainSettings{};
}

DomainView Domains::build(const Known& k, bool withChecks) {
  DomainView v;
  v.domain = k.domain;
  v.sources = k.sources;
  v.settings = settingsOf(k.domain);
  const auto now = clock_.now();
  auto add = [&](RecordKind kind, const domains::DnsRecord& record) -> RecordView& {
    RecordView r;
    r.kind = kind;
    r.name = record.name;
    r.value = record.value;
    r.strings = record.strings();
    r.why = kWhy[static_cast<int>(kind)];
    v.records.push_back(std::move(r));
    return v.records.back();
  };
  for (const auto& key : k.keys) {
    const bool recentlyRetired = key.state == store::DkimKeyState::Retired && key.retiredAt &&
                                 now - *key.retiredAt <= kRetiredKeysPublished;
    if (key.state == store::DkimKeyState::Retired && !recentlyRetired) continue;
    const auto algorithm = dkim::keyAlgorithmFromName(key.algorithm);
    if (!algorithm) continue;
    RecordView& r =
        add(RecordKind::Dkim, domains::dkimRecord({key.domain, key.selector, *algorithm, key.publicKey}));
    r.selector = key.selector;
    r.keyState = std::string(store::dkimKeyStateName(key.state));
  }
  const auto& s = v.settings;
  add(RecordKind::Spf,
      domains::buildSpfRecord(k.domain, contributions(carrying(k.routes, k.domain)), s.spf.extra, s.spf.all));
  add(RecordKind::Dmarc, domains::buildDmarcRecord(k.domain, s.dmarc));
  if (s.mtaSts.policy.mode != domains::StsMode::None) {
    add(RecordKind::MtaSts, domains::mtaStsRecord(k.domain, s.mtaSts.policy));
    if (!s.mtaSts.tlsRptRua.empty())
      add(RecordKind::TlsRpt, domains::tlsRptRecord(k.domain, s.mtaSts.tlsRptRua));
    v.mtaStsPolicy = policyView(k.domain, s.mtaSts.policy);
  }
  if (!withChecks) return v;
  for (const auto& c : domains_.checks(k.domain)) {
    for (auto& r : v.records) {
      if (recordKindName(r.kind) != c.kind || r.name != c.name) continue;
      r.check = RecordCheckView{c.status, c.advice, c.difference, c.published, c.warnings, c.checkedAt};
      r.lookups = c.lookups;
    }
    if (!v.lastCheck || c.checkedAt > *v.lastCheck) v.lastCheck = c.checkedAt;
  }
  return v;
}

std::vector<store::RecordCheckRecord> Domains::runChecks(const Known& k) {
  const DomainView v = build(k, false);
  const auto& s = v.settings;
  const auto now = clock_.now();
  std::vector<std::string> signingDomains;
  if (!k.keys.empty()) signingDomains.push_back(k.domain);
  std::vector<store::RecordCheckRecord> out;
  for (const auto& r : v.records) {
    switch (r.kind) {
      case RecordKind::Dkim: {
        for (const auto& key : k.keys)
          if (key.selector == r.selector)
            out.push_back(toCheck(
                r,
                domains::checkDkim(
                    {key.domain, key.selector, *dkim::keyAlgorithmFromName(key.algorithm), key.publicKey},
                    resolver_),
                now));
        break;
      }
      case RecordKind::Spf: {
        const auto required = contributions(carrying(k.routes, k.domain));
        const auto spf = domains::checkSpf(k.domain, {r.name, r.value}, required, resolver_);
        out.push_back(toCheck(r, spf.verdict, now));
        out.back().lookups = spf.lookups;
        break;
      }
      case RecordKind::Dmarc:
        out.push_back(toCheck(r, domains::checkDmarc(k.domain, s.dmarc, signingDomains, resolver_), now));
        break;
      case RecordKind::MtaSts:
        out.push_back(toCheck(r, domains::checkMtaSts(k.domain, s.mtaSts.policy, resolver_), now));
        break;
      case RecordKind::TlsRpt:
        out.push_back(toCheck(r, domains::checkTlsRpt(k.domain, s.mtaSts.tlsRptRua, resolver_), now));
        break;
    }
  }
  return out;
}

std::vector<DomainSummary> Domains::list() {
  std::map<std::string, std::vector<store::RecordCheckRecord>> checks;
  for (auto& c : domains_.allChecks()) checks[c.domain].push_back(std::move(c));
  std::vector<DomainSummary> out;
  for (const auto& k : known()) {
    DomainSummary s{k.domain, k.sources, std::nullopt, 0};
    for (const auto& c : checks[k.domain]) {
      if (c.status != "matches") ++s.problems;
      s.problems += static_cast<int>(c.warnings.size());
      if (!s.lastCheck || c.checkedAt > *s.lastCheck) s.lastCheck = c.checkedAt;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<MtaStsPolicyView> Domains::policyForHost(std::string_view host) {
  constexpr std::string_view kPrefix = "mta-sts.";
  if (host.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto name = store::DkimKeyRepository::normaliseDomain(host.substr(kPrefix.size()));
  if (!name || *name != host.substr(kPrefix.size())) return std::nullopt;
  const auto record = domains_.find(*name);
  if (!record) return std::nullopt;
  const DomainSettings settings = fromRecord(*record);
  if (settings.mtaSts.policy.mode == domains::StsMode::None || !findKnown(*name)) return std::nullopt;
  return policyView(*name, settings.mtaSts.policy);
}

std::optional<DomainView> Domains::show(std::string_view domain) {
  const auto name = store::DkimKeyRepository::normaliseDomain(domain);
  if (!name) return std::nullopt;
  const auto k = findKnown(*name);
  if (!k) return std::nullopt;
  return build(*k, true);
}

DomainView Domains::add(std::string_view domain) {
  const auto name = store::DkimKeyRepository::normaliseDomain(domain);
  if (!name) throw core::InvalidValue("domain", "'" + std::string(domain) + "' is not a domain name");
  domains_.add(*name);
  return *show(*name);
}

DomainView Domains::change(std::string_view domain, const DomainChange& change) {
  const auto name = store::DkimKeyRepository::normaliseDomain(domain);
  if (!name || !findKnown(*name)) throw core::NotFound("no domain " + std::string(domain));
  store::DomainRecord record = domains_.find(*name).value_or(store::DomainRecord{});
  record.name = *name;
  DomainSettings settings = fromRecord(record);
  if (change.dmarc) settings.dmarc = *change.dmarc;
  if (change.spf) settings.spf = *change.spf;
  if (change.mtaSts) settings.mtaSts = *change.mtaSts;
  validate(*name, settings);
  toRecord(settings, record);
  domains_.save(record);
  return *show(*name);
}

void Domains::remove(std::string_view domain) {
  const auto name = store::DkimKeyRepository::normaliseDomain(domain);
  const auto record = name ? domains_.find(*name) : std::nullopt;
  if (!record || !record->added) throw core::NotFound("domain " + std::string(domain) + " was not added");
  const auto k = findKnown(*name);
  std::vector<std::string> others;
  for (const auto& s : k->sources)
    if (s != "added")
      others.push_back(s == "address" ? "a user's address" : s == "dkim" ? "a DKIM key" : "a route");
  if (!others.empty())
    throw core::Conflict("domain " + *name + " is still named by " + core::join(others, ", ") +
                         "; remove those first");
  domains_.remove(*name);
}

DomainView Domains::check(std::string_view domain) {
  const auto name = store::DkimKeyRepository::normaliseDomain(domain);
  const auto k = name ? findKnown(*name) : std::nullopt;
  if (!k) throw core::NotFound("no domain " + std::string(domain));
  domains_.storeChecks(k->domain, runChecks(*k));
  return build(*k, true);
}

std::size_t Domains::checkAll(const std::function<bool()>& stopping) {
  std::size_t notChecked = 0;
  for (const auto& k : known()) {
    if (stopping && stopping()) {
      ++notChecked;
      continue;
    }
    try {
      domains_.storeChecks(k.domain, runChecks(k));
    } catch (const core::Error&) {
      ++notChecked;
    }
  }
  return notChecked;
}

domains::Verdict Domains::checkDkimKey(std::string_view domain, std::string_view selector) {
  const auto key = keys_.find(domain, selector);
  if (!key) throw core::NotFound("no DKIM key " + std::string(domain) + "/" + std::string(selector));
  const auto algorithm = dkim::keyAlgorithmFromName(key->algorithm);
  if (!algorithm) throw core::InvalidValue("algorithm", "unknown key algorithm " + key->algorithm);
  return domains::checkDkim({key->domain, key->selector, *algorithm, key->publicKey}, resolver_);
}

std::vector<FailingDomain> Domains::failing() {
  std::set<std::string> names;
  for (const auto& k : known()) names.insert(k.domain);
  std::vector<FailingDomain> out;
  for (const auto& c : domains_.allChecks()) {
    if (c.status == "matches" || !names.count(c.domain)) continue;
    if (out.empty() || out.back().domain != c.domain) out.push_back({c.domain, {}});
    out.back().records.push_back({c.kind, c.name, c.status});
  }
  return out;
}

}  // namespace postern::admin
