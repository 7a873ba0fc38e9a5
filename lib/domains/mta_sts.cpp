#include "domains/mta_sts.h"

#include <openssl/evp.h>

#include <cctype>

#include "core/error.h"
#include "core/text.h"

namespace postern::domains {

namespace {

constexpr long kMaxAgeLimit = 31557600;  // RFC 8461 §3.2: about one year

bool isHostPattern(std::string_view p) {
  if (p.rfind("*.", 0) == 0) p.remove_prefix(2);
  if (p.empty() || p.size() > 253 || p.find('.') == std::string_view::npos || p.front() == '.' ||
      p.back() == '.')
    return false;
  for (char c : p)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return p.find("..") == std::string_view::npos;
}

// The value of a tag in a "k=v; k=v" record; empty when absent.
std::string tagValue(const std::string& record, const std::string& tag) {
  for (const auto& item : core::splitList(record, ';')) {
    const auto eq = item.find('=');
    if (eq != std::string::npos && core::iequalsAscii(core::trim(std::string_view(item).substr(0, eq)), tag))
      return std::string(core::trim(std::string_view(item).substr(eq + 1)));
  }
  return {};
}

}  // namespace

std::string_view stsModeName(StsMode m) {
  switch (m) {
    case StsMode::Enforce:
      return "enforce";
    case StsMode::Testing:
      return "testing";
    case StsMode::None:
      break;
  }
  return "none";
}

void validate(const MtaStsPolicy& policy) {
  if (policy.maxAge.count() < 0 || policy.maxAge.count() > kMaxAgeLimit)
    throw core::InvalidValue("max_age", "max_age must be between 0 and 31557600 seconds (about a year)");
  for (const auto& mx : policy.mx)
    if (!isHostPattern(mx))
      throw core::InvalidValue("mx",
                               "\"" + mx + "\" is not a mail server name (a wildcard \"*.\" may start it)");
  if (policy.mode != StsMode::None && policy.mx.empty())
    throw core::InvalidValue("mx", "a policy in testing or enforce mode needs at least one mail server name");
}

std::string mtaStsPolicyText(const MtaStsPolicy& policy) {
  validate(policy);
  std::string text = "version: STSv1\r\nmode: " + std::string(stsModeName(policy.mode)) + "\r\n";
  for (const auto& mx : policy.mx) text += "mx: " + core::toLowerAscii(mx) + "\r\n";
  text += "max_age: " + std::to_string(policy.maxAge.count()) + "\r\n";
  return text;
}

std::string mtaStsPolicyId(const MtaStsPolicy& policy) {
  const auto text = mtaStsPolicyText(policy);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw core::Error::temporary("SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (unsigned i = 0; i < 16; ++i) {
    id += hex[digest[i] >> 4];
    id += hex[digest[i] & 15];
  }
  return id;
}

std::string mtaStsPolicyHost(const std::string& domain) { return "mta-sts." + normalisedName(domain); }

DnsRecord mtaStsRecord(const std::string& domain, const MtaStsPolicy& policy) {
  return DnsRecord{"_mta-sts." + normalisedName(domain), "v=STSv1; id=" + mtaStsPolicyId(policy)};
}

DnsRecord tlsRptRecord(const std::string& domain, const std::vector<std::string>& reportUris) {
  if (reportUris.empty()) throw core::InvalidValue("rua", "name at least one address for TLS reports");
  for (const auto& uri : reportUris)
    if (!core::istartsWithAscii(uri, "mailto:") && !core::istartsWithAscii(uri, "https:"))
      throw core::InvalidValue("rua", "\"" + uri + "\" must be a mailto: or https: address");
  return DnsRecord{"_smtp._tls." + normalisedName(domain), "v=TLSRPTv1; rua=" + core::join(reportUris, ",")};
}

Verdict checkMtaSts(const std::string& domain, const MtaStsPolicy& policy, dns::Resolver& resolver) {
  const auto expected = mtaStsRecord(domain, policy);
  const auto answer = resolver.txt(expected.name);
  FirstLook look = lookAtSingleRecord(
      answer, SingleRecordRule{"MTA-STS", "v=STSv1", Finding::StsSeveralRecords,
                               "No MTA-STS record is published at " + expected.name +
                                   ", so senders do not know to require encryption to your mail servers; add "
                                   "the TXT record shown here.",
                               "There are several MTA-STS records at " + expected.name +
                                   ", so senders ignore the policy; keep only the record shown here."});
  Verdict& v = look.verdict;
  if (look.decided) return v;
  v.status = Status::Differs;
  const auto id = tagValue(v.published.front(), "id");
  const auto wanted = mtaStsPolicyId(policy);
  if (id == wanted) {
    v.status = Status::Matches;
    v.advice = "The MTA-STS record matches the current policy.";
    return v;
  }
  v.difference = "published id=" + id + ", the current policy's id is " + wanted;
  v.advice =
      "The MTA-STS record announces an older policy, so senders keep using it; update the record to "
      "the one shown here.";
  return v;
}

Verdict checkTlsRpt(const std::string& domain, const std::vector<std::string>& reportUris,
                    dns::Resolver& resolver) {
  const auto expected = tlsRptRecord(domain, reportUris);
  const auto answer = resolver.txt(expected.name);
  FirstLook look = lookAtSingleRecord(
      answer, SingleRecordRule{"TLS reporting", "v=TLSRPTv1", Finding::TlsRptSeveralRecords,
                               "No TLS reporting record is published at " + expected.name +
                                   ", so nobody hears when senders fail to reach you securely; add the TXT "
                                   "record shown here.",
                               "There are several TLS reporting records at " + expected.name +
                                   ", so senders send no reports; keep only the record shown here."});
  Verdict& v = look.verdict;
  if (look.decided) return v;
  v.status = Status::Differs;
  const auto published = core::splitList(tagValue(v.published.front(), "rua"), ',');
  if (published == reportUris) {
    v.status = Status::Matches;
    v.advice = "The TLS reporting record matches the addresses chosen here.";
    return v;
  }
  v.difference =
      "published rua=" + core::join(published, ",") + ", wanted rua=" + core::join(reportUris, ",");
  v.advice =
      "TLS reports go to other addresses than the ones chosen here; update the record to the one shown "
      "here.";
  return v;
}

}  // namespace postern::domains
