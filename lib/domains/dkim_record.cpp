#include "domains/dkim_record.h"

#include <map>
#include <optional>

#include "core/text.h"

namespace postern::domains {

namespace {

std::string withoutWhiteSpace(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  return out;
}

// RFC 6376 §3.2 tag-list: "tag=value" separated by ';', white space around both ignored. nullopt when a
// tag has no '='.
std::optional<std::map<std::string, std::string>> tagList(std::string_view text) {
  std::map<std::string, std::string> tags;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = core::trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    tags.emplace(std::string(core::trim(item.substr(0, eq))), std::string(core::trim(item.substr(eq + 1))));
  }
  return tags;
}

// An admin compares keys by their ends; the middle of 392 base64 characters says nothing.
std::string abbreviated(const std::string& key) {
  if (key.size() <= 24) return key;
  return key.substr(0, 12) + "…" + key.substr(key.size() - 8);
}

}  // namespace

DnsRecord dkimRecord(const DkimPublicKey& key) {
  std::string name = dkim::dnsRecordName(key.selector, key.domain);
  name.pop_back();  // dnsRecordName ends with the root's dot; a DNS provider's form does not want it
  return DnsRecord{name, dkim::dnsRecordValue(key.algorithm, key.publicKey)};
}

Verdict checkDkim(const DkimPublicKey& key, dns::Resolver& resolver) {
  const DnsRecord expected = dkimRecord(key);
  const auto answer = resolver.txt(expected.name);
  if (answer.failed()) return lookupFailed("DKIM", answer);
  Verdict v;
  for (const auto& record : answer.records) v.published.push_back(record.text());
  if (answer.empty()) {
    v.status = Status::Missing;
    v.advice = "No DKIM record is published at " + expected.name +
               "; add the TXT record shown here at your DNS provider before this key signs mail.";
    return v;
  }
  v.status = Status::Differs;
  if (answer.records.size() > 1) {
    v.difference = std::to_string(answer.records.size()) + " TXT records are published at " + expected.name;
    v.advice = "Several TXT records are published at " + expected.name +
               ", so receivers may read the wrong one; keep only the record shown here.";
    v.warn(Finding::DkimSeveralRecords, v.advice);
    return v;
  }
  const auto& record = answer.records.front();
  const std::string text = record.text();
  if (text.find('"') != std::string::npos) {
    v.difference = "the published text contains quotation marks";
    v.advice =
        "The DKIM record contains quotation marks as part of its text; enter the value again at your "
        "DNS provider without the quotes.";
    v.warn(Finding::DkimQuotedStrings, v.advice);
    return v;
  }
  const auto tags = tagList(text);
  const std::string wantedKey = withoutWhiteSpace(key.publicKey);
  const std::string wantedType(dkim::keyTypeName(key.algorithm));
  if (!tags || !tags->count("p")) {
    v.difference = "the published record has no key (no p= tag)";
    v.advice = "The record at " + expected.name +
               " is not a DKIM key record; replace it with the TXT record shown here.";
    return v;
  }
  const std::string publishedKey = withoutWhiteSpace(tags->at("p"));
  const std::string publishedType = tags->count("k") ? core::toLowerAscii(tags->at("k")) : "rsa";  // §3.6.1
  if (tags->count("v") && tags->at("v") != "DKIM1") {
    v.difference = "published v=" + tags->at("v") + ", expected v=DKIM1";
  } else if (publishedKey.empty()) {
    v.difference = "the published record revokes the key (empty p=)";
  } else if (publishedType != wantedType) {
    v.difference = "published k=" + publishedType + ", expected k=" + wantedType;
  } else if (publishedKey != wantedKey) {
    v.difference = "published p=" + abbreviated(publishedKey) + ", expected p=" + abbreviated(wantedKey);
  } else {
    v.status = Status::Matches;
    v.advice = "The DKIM record at " + expected.name + " matches this key.";
    return v;
  }
  v.advice = "The DKIM record at " + expected.name +
             " does not match this key, so mail signed with it would fail DKIM; replace the record with the "
             "one shown here.";
  return v;
}

}  // namespace postern::domains
