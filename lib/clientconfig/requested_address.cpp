#include "clientconfig/requested_address.h"

#include "core/text.h"
#include "mail/address.h"

namespace postern::clientconfig {

std::optional<RequestedAddress> requestedAddress(std::string_view text) {
  const auto parsed = mail::parseMailbox(core::trim(text));
  if (!parsed || parsed->domain.empty() || parsed->domain.front() == '[') return std::nullopt;
  const std::string key = parsed->key();
  return RequestedAddress{key, key.substr(key.rfind('@') + 1)};
}

}  // namespace postern::clientconfig
