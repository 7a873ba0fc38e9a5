#include "web/network_list.h"

#include "core/error.h"
#include "core/text.h"

namespace postern::web {

NetworkList NetworkList::parse(std::string_view text) {
  std::vector<core::IpNetwork> networks;
  for (const auto& item : core::splitList(text)) {
    const auto network = core::IpNetwork::parse(item);
    if (!network) throw core::InvalidValue("networks", "'" + item + "' is not ADDRESS/PREFIX");
    networks.push_back(*network);
  }
  return NetworkList(std::move(networks));
}

bool NetworkList::contains(const Poco::Net::IPAddress& address) const {
  const auto length = static_cast<std::size_t>(address.length());
  for (const auto& network : networks_)
    if (network.contains(address.addr(), length)) return true;
  return false;
}

std::string NetworkList::str() const {
  std::vector<std::string> items;
  for (const auto& network : networks_) items.push_back(network.str());
  return core::join(items, ", ");
}

}  // namespace postern::web
