#include "mail/allowed_senders.h"

#include <algorithm>

#include "core/text.h"

namespace postern::mail {

AllowedSenders::AllowedSenders(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    const auto normal = normalisePattern(p);
    if (!normal) continue;
    if ((*normal)[0] == '@')
      domains_.push_back(normal->substr(1));
    else
      addresses_.push_back(*normal);
  }
}

bool AllowedSenders::allows(const Address& address) const {
  const std::string key = address.key();
  if (std::find(addresses_.begin(), addresses_.end(), key) != addresses_.end()) return true;
  const std::string domain = core::toLowerAscii(address.domain);
  return std::find(domains_.begin(), domains_.end(), domain) != domains_.end();
}

std::optional<std::string> AllowedSenders::normalisePattern(std::string_view pattern) {
  pattern = core::trim(pattern);
  if (pattern.size() > 1 && pattern[0] == '@') {
    // "@domain": validate the domain by parsing a placeholder mailbox in it.
    const auto probe = parseMailbox("postmaster" + std::string(pattern), true);
    if (!probe || probe->domain.front() == '[') return std::nullopt;
    return "@" + core::toLowerAscii(probe->domain);
  }
  const auto address = parseMailbox(pattern, true);
  if (!address) return std::nullopt;
  return address->key();
}

}  // namespace postern::mail
