#include "domains/dmarc_record.h"

#include <map>

#include "core/error.h"
#include "core/text.h"

namespace postern::domains {

namespace {

std::optional<DmarcPolicy> policyFrom(std::string_view text) {
  const auto t = core::toLowerAscii(core::trim(text));
  if (t == "none") return DmarcPolicy::None;
  if (t == "quarantine") return DmarcPolicy::Quarantine;
  if (t == "reject") return DmarcPolicy::Reject;
  return std::nullopt;
}

std::optional<DmarcAlignment> alignmentFrom(std::string_view text) {
  const auto t = core::toLowerAscii(core::trim(text));
  if (t == "r") return DmarcAlignment::Relaxed;
  if (t == "s") return DmarcAlignment::Strict;
  return std::nullopt;
}

std::vector<std::string> uriList(std::string_view text) { return core::splitList(text, ','); }

void requireReportUris(const std::vector<std::string>& uris, const std::string& tag) {
  for (const auto& uri : uris)
    if (reportDomain(uri).empty())
      throw core::InvalidValue(tag,
                               "\"" + uri + "\" is not a report address; write it as mailto:name@domain");
}

}  // namespace

std::string_view dmarcPolicyName(DmarcPolicy p) {
  switch (p) {
    case DmarcPolicy::None:
      return "none";
    case DmarcPolicy::Quarantine:
      return "quarantine";
    case DmarcPolicy::Reject:
      break;
  }
  return "reject";
}

std::string reportDomain(std::string_view uri) {
  uri = core::trim(uri);
  if (!core::istartsWithAscii(uri, "mailto:")) return {};
  auto address = uri.substr(7);
  address = address.substr(0, address.find('!'));  // "!10m": a size limit (RFC 7489 §6.2)
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return {};
  const auto domain = address.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.find_first_of(" ;,<>") != std::string_view::npos)
    return {};
  return normalisedName(std::string(domain));
}

DnsRecord buildDmarcRecord(const std::string& domain, const DmarcSettings& s) {
  if (s.percent < 0 || s.percent > 100)
    throw core::InvalidValue("pct", "the percentage must be between 0 and 100");
  requireReportUris(s.aggregateReports, "rua");
  requireReportUris(s.failureReports, "ruf");
  std::string v = "v=DMARC1; p=" + std::string(dmarcPolicyName(s.policy));
  if (s.subdomainPolicy) v += "; sp=" + std::string(dmarcPolicyName(*s.subdomainPolicy));
  if (s.percent != 100) v += "; pct=" + std::to_string(s.percent);
  if (!s.aggregateReports.empty()) v += "; rua=" + core::join(s.aggregateReports, ",");
  if (!s.failureReports.empty()) v += "; ruf=" + core::join(s.failureReports, ",");
  if (s.dkimAlignment == DmarcAlignment::Strict) v += "; adkim=s";
  if (s.spfAlignment == DmarcAlignment::Strict) v += "; aspf=s";
  return DnsRecord{"_dmarc." + normalisedName(domain), v};
}

DmarcParse parseDmarcRecord(std::string_view record) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& item : core::splitList(record, ';')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) return {std::nullopt, "\"" + item + "\" is not a tag=value pair"};
    tags.emplace_back(core::toLowerAscii(core::trim(std::string_view(item).substr(0, eq))),
                      std::string(core::trim(std::string_view(item).substr(eq + 1))));
  }
  if (tags.empty() || tags[0].first != "v" || tags[0].second != "DMARC1")  // §6.4: v must come first
    return {std::nullopt, "the record does not start with v=DMARC1"};
  DmarcSettings s;
  bool havePolicy = false;
  for (std::size_t i = 1; i < tags.size(); ++i) {
    const auto& [tag, value] = tags[i];
    if (tag == "p") {
      const auto p = policyFrom(value);
      if (!p) return {std::nullopt, "p=" + value + " is not none, quarantine or reject"};
      s.policy = *p;
      havePolicy = true;
    } else if (tag == "sp") {
      s.subdomainPolicy = policyFrom(value);
      if (!s.subdomainPolicy) return {std::nullopt, "sp=" + value + " is not none, quarantine or reject"};
    } else if (tag == "pct") {
      const bool digits =
          !value.empty() && value.size() <= 3 && value.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoi(value) > 100)
        return {std::nullopt, "pct=" + value + " is not a number from 0 to 100"};
      s.percent = std::stoi(value);
    } else if (tag == "rua") {
      s.aggregateReports = uriList(value);
    } else if (tag == "ruf") {
      s.failureReports = uriList(value);
    } else if (tag == "adkim" || tag == "aspf") {
      const auto a = alignmentFrom(value);
      if (!a) return {std::nullopt, tag + "=" + value + " is not r or s"};
      (tag == "adkim" ? s.dkimAlignment : s.spfAlignment) = *a;
    }
  }
  // §6.6.3: without a usable p=, a record with a usable rua= is read as p=none.
  if (!havePolicy && s.aggregateReports.empty()) return {std::nullopt, "the record has no p= tag"};
  return {s, {}};
}

}  // namespace postern::domains
