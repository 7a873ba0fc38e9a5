// web::NetworkList — the client networks admitted to the web admin (admin.allowed_networks), asked once per
// accepted connection before a byte of TLS is read.
//
// Owns: matching a peer address against the list; IPv4-mapped IPv6 peers (an IPv4 client of a dual-stack
// listener) match IPv4 networks (core::IpNetwork). Must not know: sockets, HTTP.
// Thread-safety: immutable after construction; share it between connection threads.
#pragma once

#include <Poco/Net/IPAddress.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/ip_network.h"

namespace postern::web {

class NetworkList {
 public:
  explicit NetworkList(std::vector<core::IpNetwork> networks) : networks_(std::move(networks)) {}

  // "10.0.0.0/8, fd00::/8": comma-separated ADDRESS/PREFIX entries (a bare address is one host). Throws
  // core::InvalidValue naming the first entry that is not a network.
  static NetworkList parse(std::string_view text);

  bool contains(const Poco::Net::IPAddress& address) const;
  const std::vector<core::IpNetwork>& networks() const { return networks_; }
  std::string str() const;  // "10.0.0.0/8, fd00::/8"

 private:
  std::vector<core::IpNetwork> networks_;
};

}  // namespace postern::web
