#include "domains/spf_check.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace postern::domains {

namespace {

// Deeper than any sane chain; the lookup limit normally stops a walk long before.
constexpr std::size_t kMaxDepth = 12;

std::string targetOf(const SpfTerm& term, const std::string& current) {
  const auto domain = term.argument.substr(0, term.argument.find('/'));
  return domain.empty() ? current : domain;
}

class SpfWalk {
 public:
  SpfWalk(dns::Resolver& resolver, SpfVerdict& result) : resolver_(resolver), result_(result) {}

  void walk(const std::string& domain, const std::vector<SpfTerm>& terms, bool topLevel) {
    stack_.push_back(normalisedName(domain));
    const bool hasAll =
        std::any_of(terms.begin(), terms.end(), [](const SpfTerm& t) { return t.name == "all"; });
    for (const auto& term : terms) {
      if (term.modifier) {
        // RFC 7208 §6.1: redirect applies only when the record has no "all" mechanism.
        if (term.name == "redirect" && !hasAll) follow(term.argument, "redirect", topLevel);
        continue;
      }
      present_.insert(core::toLowerAscii(term.name + ":" + term.argument));
      if (term.name == "all" && topLevel && (term.qualifier == '+' || term.qualifier == '?')) {
        warnOnce(
            Finding::SpfAllowsEveryone,
            "The SPF record ends with " + std::string(1, term.qualifier) + "all" +
                ", which tells receivers that any server in the world may send your mail; end it with -all "
                "or ~all instead.");
      } else if (term.name == "include") {
        follow(term.argument, "include", false);
      } else if (term.name == "a" || term.name == "mx") {
        ++result_.lookups;
        lookUpForVoid(term, domain);
      } else if (term.name == "ptr") {
        ++result_.lookups;
        warnOnce(
            Finding::SpfUsesPtr,
            "The SPF record uses ptr, which is slow, unreliable and ignored by some receivers; replace it "
            "with the ip4: or ip6: addresses of your servers.");
      } else if (term.name == "exists") {
        ++result_.lookups;  // its argument is nearly always a macro: nothing to look up ahead of time
      }
    }
    stack_.pop_back();
  }

  bool mentions(const std::string& mechanism) const {
    const auto terms = parseSpfTerms("v=spf1 " + mechanism);
    return !terms.empty() && present_.count(core::toLowerAscii(terms[0].name + ":" + terms[0].argument)) > 0;
  }

 private:
  void follow(const std::string& target, const std::string& how, bool topLevel) {
    ++result_.lookups;
    if (target.find('%') != std::string::npos) return;  // a macro (§7) depends on the message
    const auto name = normalisedName(target);
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      warnOnce(Finding::SpfIncludeLoop, "The SPF " + how + " of " + target +
                                            " leads back to a record that includes it, so receivers cannot "
                                            "evaluate SPF; remove the " +
                                            how + " that closes the loop.");
      return;
    }
    if (result_.lookups > kSpfLookupLimit || stack_.size() >= kMaxDepth) return;
    const auto answer = resolver_.txt(name);
    if (answer.failed()) {
      warnOnce(Finding::SpfLookupFailed, "The SPF record of " + target + " could not be looked up (" +
                                             answer.reason + "), so the lookup count may be incomplete.");
      return;
    }
    if (answer.empty()) ++result_.voidLookups;
    const auto records = recordsStartingWith(answer, "v=spf1");
    if (records.size() != 1) {
      warnOnce(Finding::SpfBrokenInclude,
               "The SPF " + how + " names " + target + ", which has " +
                   (records.empty() ? "no" : "more than one") +
                   " SPF record, so receivers treat your SPF as broken; fix or remove that " + how + ".");
      return;
    }
    walk(name, parseSpfTerms(records.front()), topLevel);
  }

  void lookUpForVoid(const SpfTerm& term, const std::string& domain) {
    const auto target = targetOf(term, domain);
    if (target.find('%') != std::string::npos || result_.lookups > kSpfLookupLimit) return;
    if (term.name == "mx") {
      const auto answer = resolver_.mx(target);
      if (answer.empty()) ++result_.voidLookups;
      if (answer.records.size() > kSpfMxHostLimit)
        warnOnce(
            Finding::SpfTooManyMxHosts,
            "The SPF mx of " + target + " names " + std::to_string(answer.records.size()) +
                " mail servers, more than the ten receivers will look up, so SPF fails for all your mail; "
                "list the servers that send mail as ip4:/ip6: addresses instead.");
      return;
    }
    if (resolver_.addresses(target).empty()) ++result_.voidLookups;
  }

  void warnOnce(Finding f, std::string advice) {
    if (!result_.verdict.has(f)) result_.verdict.warn(f, std::move(advice));
  }

  dns::Resolver& resolver_;
  SpfVerdict& result_;
  std::vector<std::string> stack_;
  std::set<std::string> present_;
};

std::vector<std::string> canonicalTerms(const std::string& record) {
  std::vector<std::string> out;
  for (const auto& t : parseSpfTerms(record)) out.push_back(t.canonical());
  return out;
}

std::string differenceBetween(const std::string& published, const std::string& expected) {
  const auto have = canonicalTerms(published);
  const auto want = canonicalTerms(expected);
  std::vector<std::string> extra, lacking;
  for (const auto& t : have)
    if (std::find(want.begin(), want.end(), t) == want.end()) extra.push_back(t);
  for (const auto& t : want)
    if (std::find(have.begin(), have.end(), t) == have.end()) lacking.push_back(t);
  std::vector<std::string> parts;
  if (!lacking.empty()) parts.push_back("lacks " + core::join(lacking, " "));
  if (!extra.empty()) parts.push_back("also has " + core::join(extra, " "));
  if (parts.empty()) parts.push_back("the same terms in another order");
  return "the published record " + core::join(parts, "; ");
}

}  // namespace

SpfVerdict checkSpf(const std::string& domain, const DnsRecord& expected,
                    const std::vector<SpfContribution>& required, dns::Resolver& resolver) {
  SpfVerdict result;
  Verdict& v = result.verdict;
  FirstLook look = lookAtSingleRecord(
      resolver.txt(normalisedName(domain)),
      SingleRecordRule{
          "SPF", "v=spf1", Finding::SpfSeveralRecords,
          "No SPF record is published for " + domain +
              ", so receivers cannot tell your servers from forgers; add the TXT record shown here.",
          "There are several SPF records for " + domain +
              ", which makes receivers treat SPF as broken; merge them into the one record shown "
              "here."});
  v = std::move(look.verdict);
  if (look.decided) return result;
  SpfWalk walk(resolver, result);
  walk.walk(normalisedName(domain), parseSpfTerms(v.published.front()), true);
  if (result.lookups > kSpfLookupLimit)
    v.warn(Finding::SpfTooManyLookups,
           "Checking this SPF record takes " + std::to_string(result.lookups) +
               " DNS lookups, more than the ten receivers allow, so SPF fails for all your mail; remove "
               "includes you no longer need or replace them with ip4:/ip6: addresses.");
  if (result.voidLookups > kSpfVoidLookupLimit)
    v.warn(
        Finding::SpfTooManyVoidLookups,
        "The SPF record names " + std::to_string(result.voidLookups) +
            " domains that do not exist or have no records, more than the two receivers allow; remove them.");
  for (const auto& c : required)
    if (!walk.mentions(c.mechanism))
      v.warn(Finding::SpfProviderMissing, "The SPF record lacks " + c.mechanism + ", which the route '" +
                                              c.source +
                                              "' needs, so mail sent through it may be rejected; add it.");

  if (canonicalTerms(v.published.front()) == canonicalTerms(expected.value)) {
    v.status = Status::Matches;
    v.advice = "The SPF record for " + domain + " matches the servers that send its mail.";
  } else {
    v.status = Status::Differs;
    v.difference = differenceBetween(v.published.front(), expected.value);
    v.advice = "The SPF record for " + domain +
               " is not the one Postern suggests; replace it with the record shown here, or add what else "
               "must stay to this domain's extra SPF mechanisms.";
  }
  return result;
}

}  // namespace postern::domains
