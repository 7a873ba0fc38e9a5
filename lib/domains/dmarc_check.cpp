#include "domains/dmarc_check.h"

#include "core/text.h"

namespace postern::domains {

namespace {

bool sameOrRelated(const std::string& a, const std::string& b) {
  const auto within = [](const std::string& child, const std::string& parent) {
    return child.size() > parent.size() &&
           child.compare(child.size() - parent.size(), parent.size(), parent) == 0 &&
           child[child.size() - parent.size() - 1] == '.';
  };
  return a == b || within(a, b) || within(b, a);
}

std::string alignmentName(DmarcAlignment a) { return a == DmarcAlignment::Strict ? "s" : "r"; }

std::string differences(const DmarcSettings& published, const DmarcSettings& wanted) {
  std::vector<std::string> parts;
  const auto differ = [&](const std::string& tag, const std::string& have, const std::string& want) {
    if (have != want) parts.push_back("published " + tag + "=" + have + ", wanted " + tag + "=" + want);
  };
  const auto sp = [](const DmarcSettings& s) {
    return s.subdomainPolicy ? std::string(dmarcPolicyName(*s.subdomainPolicy)) : std::string("(as p)");
  };
  differ("p", std::string(dmarcPolicyName(published.policy)), std::string(dmarcPolicyName(wanted.policy)));
  differ("sp", sp(published), sp(wanted));
  differ("pct", std::to_string(published.percent), std::to_string(wanted.percent));
  differ("rua", core::toLowerAscii(core::join(published.aggregateReports, ",")),
         core::toLowerAscii(core::join(wanted.aggregateReports, ",")));
  differ("ruf", core::toLowerAscii(core::join(published.failureReports, ",")),
         core::toLowerAscii(core::join(wanted.failureReports, ",")));
  differ("adkim", alignmentName(published.dkimAlignment), alignmentName(wanted.dkimAlignment));
  differ("aspf", alignmentName(published.spfAlignment), alignmentName(wanted.spfAlignment));
  return core::join(parts, "; ");
}

void warnAboutReports(Verdict& v, const std::string& domain, const DmarcSettings& s,
                      dns::Resolver& resolver) {
  if (s.aggregateReports.empty()) {
    v.warn(
        Finding::DmarcNoReports,
        "The DMARC record has no rua= address, so nobody receives the reports that show who sends mail as " +
            domain + "; add a mailbox that someone reads.");
    return;
  }
  for (const auto& uri : s.aggregateReports) {
    const auto target = reportDomain(uri);
    if (target.empty() || sameOrRelated(target, domain)) continue;
    const auto name = reportAuthorisationName(domain, target);
    const auto answer = resolver.txt(name);
    if (answer.failed()) {
      v.warn(Finding::DmarcReportsAuthorisationUnknown, "Whether " + target + " accepts DMARC reports for " +
                                                            domain + " could not be checked (" +
                                                            answer.reason + "); check again later.");
    } else if (recordsStartingWith(answer, "v=DMARC1").empty()) {
      v.warn(Finding::DmarcReportsNotAuthorised,
             "Reports go to " + target + ", which has not published " + name +
                 " to agree to receive them, so receivers will not send them; ask its owner to publish it "
                 "(TXT \"v=DMARC1\") or use an address at " +
                 domain + ".");
    }
  }
}

// RFC 7489 §6.6.3: without a record of its own, a subdomain is covered by its organisational domain's
// record (its sp=, else its p=). The organisational domain is found by the DNS tree walk of DMARCbis (the
// nearest parent with a record, at most kMaxWalk names, the top-level domain excluded) rather than the
// Public Suffix List, which Postern does not carry; for example.co.uk-style names the walk also asks the
// public suffix itself, where nothing is published in practice.
void noteInheritedPolicy(Verdict& v, const std::string& domain, dns::Resolver& resolver) {
  constexpr int kMaxWalk = 7;
  std::string parent = normalisedName(domain);
  for (int asked = 0; asked < kMaxWalk; ++asked) {
    const auto dot = parent.find('.');
    if (dot == std::string::npos) return;
    parent = parent.substr(dot + 1);
    if (parent.find('.') == std::string::npos) return;  // a top-level domain publishes no policy for others
    const auto answer = resolver.txt("_dmarc." + parent);
    if (answer.failed()) return;  // the verdict stays "missing": nothing more is known
    const auto records = recordsStartingWith(answer, "v=DMARC1");
    if (records.empty()) continue;
    const auto parsed = records.size() == 1 ? parseDmarcRecord(records.front()) : DmarcParse{};
    if (!parsed.settings) return;  // several or unreadable: the parent's own check says so
    const DmarcPolicy applied = parsed.settings->subdomainPolicy.value_or(parsed.settings->policy);
    const std::string policy(dmarcPolicyName(applied));
    v.difference = "no record at _dmarc." + normalisedName(domain) + "; the record of " + parent +
                   " applies (p=" + policy + (parsed.settings->subdomainPolicy ? ", from its sp=)" : ")");
    v.advice = "No DMARC record is published for " + domain + " itself, so the record of " + parent +
               " applies to its mail (policy " + policy +
               "); publish the record shown here to give it the policy chosen here.";
    if (applied == DmarcPolicy::None)
      v.warn(
          Finding::DmarcPolicyNone,
          "The policy that applies to " + domain + " (from " + parent +
              ") is none, which only collects reports: forged mail in its name is still delivered; publish "
              "the record shown here.");
    return;
  }
}

}  // namespace

std::string reportAuthorisationName(const std::string& domain, const std::string& reportDomain) {
  return normalisedName(domain) + "._report._dmarc." + normalisedName(reportDomain);
}

Verdict checkDmarc(const std::string& domain, const DmarcSettings& wanted,
                   const std::vector<std::string>& signingDomains, dns::Resolver& resolver) {
  const auto name = "_dmarc." + normalisedName(domain);
  FirstLook look = lookAtSingleRecord(
      resolver.txt(name),
      SingleRecordRule{
          "DMARC", "v=DMARC1", Finding::DmarcSeveralRecords,
          "No DMARC record is published for " + domain +
              ", so receivers have no instructions for forged mail; add the TXT record shown here.",
          "There are several DMARC records at " + name +
              ", so receivers ignore them all; keep only the record shown here."});
  Verdict& v = look.verdict;
  if (look.decided) {
    if (v.status == Status::Missing) noteInheritedPolicy(v, domain, resolver);
    return v;
  }
  const auto parsed = parseDmarcRecord(v.published.front());
  if (!parsed.settings) {
    v.status = Status::Differs;
    v.difference = parsed.error;
    v.advice = "The DMARC record for " + domain + " cannot be read (" + parsed.error +
               "); replace it with the record shown here.";
    v.warn(Finding::DmarcMalformed, v.advice);
    return v;
  }
  const DmarcSettings& s = *parsed.settings;
  if (s.policy == DmarcPolicy::None)
    v.warn(Finding::DmarcPolicyNone,
           "The DMARC policy is p=none, which only collects reports: forged mail in your name is still "
           "delivered; move to p=quarantine once the reports show only your own servers.");
  if (s.percent == 0)
    v.warn(Finding::DmarcPercentZero,
           "The DMARC record says pct=0, so its policy applies to no mail at all; remove pct=0 or raise it.");
  else if (s.percent < 100)
    v.warn(Finding::DmarcPercentBelow100, "The DMARC policy applies to only " + std::to_string(s.percent) +
                                              "% of forged mail; raise pct to 100 when you are ready.");
  warnAboutReports(v, domain, s, resolver);
  if (s.dkimAlignment == DmarcAlignment::Strict) {
    bool aligned = false;
    for (const auto& d : signingDomains) aligned = aligned || normalisedName(d) == normalisedName(domain);
    if (!aligned)
      v.warn(Finding::DmarcStrictDkimAlignmentFails,
             "The DMARC record asks for strict DKIM alignment (adkim=s), but no key signs this domain's mail "
             "as " +
                 domain +
                 " exactly, so its mail fails DMARC's DKIM test; use adkim=r or sign with a key for " +
                 domain + ".");
  }
  const auto diff = differences(s, wanted);
  if (diff.empty()) {
    v.status = Status::Matches;
    v.advice = "The DMARC record for " + domain + " matches the policy chosen here.";
  } else {
    v.status = Status::Differs;
    v.difference = diff;
    v.advice =
        "The DMARC record for " + domain +
        " is not the policy chosen here; publish the record shown here or change the settings to match.";
  }
  return v;
}

}  // namespace postern::domains
