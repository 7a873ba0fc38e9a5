#include "domains/verdict.h"

#include "core/text.h"
#include "dkim/keys.h"

namespace postern::domains {

bool Verdict::has(Finding f) const {
  for (const auto& w : warnings)
    if (w.finding == f) return true;
  return false;
}

void Verdict::warn(Finding f, std::string text) { warnings.push_back(Warning{f, std::move(text)}); }

std::vector<std::string> DnsRecord::strings() const { return dkim::splitTxtStrings(value); }

Verdict lookupFailed(const std::string& what, const dns::TxtAnswer& answer) {
  Verdict v;
  v.status = Status::LookupFailed;
  v.advice = "The " + what + " record could not be checked because " +
             (answer.reason.empty() ? dns::describe(answer.failure) : answer.reason) +
             "; check the DNS resolvers in Postern's settings or try again later.";
  return v;
}

FirstLook lookAtSingleRecord(const dns::TxtAnswer& answer, const SingleRecordRule& rule) {
  if (answer.failed()) return FirstLook{lookupFailed(rule.label, answer), true};
  FirstLook look;
  Verdict& v = look.verdict;
  v.published = recordsStartingWith(answer, rule.versionTag);
  if (v.published.empty()) {
    v.status = Status::Missing;
    v.advice = rule.missingAdvice;
    look.decided = true;
  } else if (v.published.size() > 1) {
    v.status = Status::Differs;
    v.difference = std::to_string(v.published.size()) + " " + rule.label + " records are published";
    v.advice = rule.severalAdvice;
    v.warn(rule.several, v.advice);
    look.decided = true;
  }
  return look;
}

std::vector<std::string> recordsStartingWith(const dns::TxtAnswer& answer, const std::string& versionTag) {
  std::vector<std::string> found;
  for (const auto& record : answer.records) {
    const std::string text = record.text();
    if (!core::istartsWithAscii(text, versionTag)) continue;
    if (text.size() == versionTag.size() || text[versionTag.size()] == ' ' || text[versionTag.size()] == ';')
      found.push_back(text);
  }
  return found;
}

std::string normalisedName(const std::string& name) {
  std::string n = core::toLowerAscii(name);
  while (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

}  // namespace postern::domains
