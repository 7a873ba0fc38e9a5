#include "domains/spf_record.h"

#include <algorithm>

#include "core/error.h"
#include "core/ip_network.h"
#include "core/text.h"

namespace postern::domains {

namespace {

bool isDomainName(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.find('.') == std::string_view::npos) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
  return name.front() != '.' && name.find("..") == std::string_view::npos;
}

void requireWritable(const SpfTerm& term, const std::string& text) {
  const auto refuse = [&](const std::string& why) {
    throw core::InvalidValue("spf", "\"" + text + "\" cannot go into the SPF record: " + why);
  };
  if (term.modifier) refuse("only mechanisms can be added (no redirect= or exp=)");
  if (!text.empty() && (text[0] == '+' || text[0] == '-' || text[0] == '~' || text[0] == '?'))
    refuse("a qualifier is not needed");
  if (term.name == "include" || term.name == "exists") {
    if (!isDomainName(term.argument)) refuse("it needs a domain name after ':'");
  } else if (term.name == "ip4" || term.name == "ip6") {
    const auto network = core::IpNetwork::parse(term.argument);
    if (!network || network->ipv4() != (term.name == "ip4"))
      refuse("it needs an IPv4 or IPv6 address or network");
  } else if (term.name == "a" || term.name == "mx") {
    const auto domain = term.argument.substr(0, term.argument.find('/'));
    if (!term.argument.empty() && term.argument[0] != '/' && !isDomainName(domain))
      refuse("not a domain name");
  } else if (term.name == "all") {
    refuse("the ending (-all or ~all) is chosen separately");
  } else if (term.name == "ptr") {
    refuse("ptr is slow and deprecated (RFC 7208 §5.5)");
  } else {
    refuse("unknown mechanism");
  }
}

}  // namespace

std::optional<std::string> providerSpfMechanism(std::string_view preset) {
  if (preset == "microsoft365") return "include:spf.protection.outlook.com";
  if (preset == "google") return "include:_spf.google.com";
  return std::nullopt;
}

DnsRecord buildSpfRecord(const std::string& domain, const std::vector<SpfContribution>& contributions,
                         const std::vector<std::string>& extras, SpfAll ending) {
  std::vector<std::string> mechanisms;
  std::vector<std::string> wanted;
  for (const auto& c : contributions) wanted.push_back(c.mechanism);
  wanted.insert(wanted.end(), extras.begin(), extras.end());
  for (const auto& text : wanted) {
    const auto trimmed = std::string(core::trim(text));
    const auto terms = parseSpfTerms("v=spf1 " + trimmed);
    if (terms.size() != 1) throw core::InvalidValue("spf", "\"" + trimmed + "\" must be one mechanism");
    requireWritable(terms.front(), trimmed);
    const auto canonical = terms.front().canonical();
    if (std::find(mechanisms.begin(), mechanisms.end(), canonical) == mechanisms.end())
      mechanisms.push_back(canonical);
  }
  std::string value = "v=spf1";
  for (const auto& m : mechanisms) value += " " + m;
  value += ending == SpfAll::Fail ? " -all" : " ~all";
  return DnsRecord{normalisedName(domain), value};
}

std::string SpfTerm::canonical() const {
  std::string out;
  if (qualifier != '+') out += qualifier;
  out += name;
  if (!argument.empty()) {
    if (modifier)
      out += '=';
    else if (argument[0] != '/')
      out += ':';
    out += argument;
  }
  return core::toLowerAscii(out);
}

std::vector<SpfTerm> parseSpfTerms(std::string_view record) {
  std::vector<SpfTerm> terms;
  const auto words = core::splitList(record, ' ');
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (i == 0 && core::iequalsAscii(word, "v=spf1")) continue;
    SpfTerm term;
    const auto eq = word.find('=');
    const auto colon = word.find_first_of(":/");
    if (eq != std::string_view::npos && (colon == std::string_view::npos || eq < colon)) {
      term.modifier = true;
      term.name = core::toLowerAscii(word.substr(0, eq));
      term.argument = std::string(word.substr(eq + 1));
    } else {
      if (word[0] == '+' || word[0] == '-' || word[0] == '~' || word[0] == '?') {
        term.qualifier = word[0];
        word.remove_prefix(1);
      }
      const auto sep = word.find_first_of(":/");
      term.name = core::toLowerAscii(word.substr(0, sep));
      if (sep != std::string_view::npos)
        term.argument = std::string(word[sep] == ':' ? word.substr(sep + 1) : word.substr(sep));
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

}  // namespace postern::domains
