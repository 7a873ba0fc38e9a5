// core::IpNetwork — one CIDR network ("10.0.0.0/8", "fe80::/10", a bare address as its /32 or /128) and
// whether an address lies in it. The text grammar lives here, below config and web, so that the
// configuration can reject a bad admin.allowed_networks entry at load time and the web admin can match
// with the very networks the configuration parsed (STYLE.md §3: parse once).
//
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the IPv4 address it carries, both
// as a network and as an address to match: a dual-stack listener sees IPv4 clients that way, and the
// rules written for 10.0.0.0/8 must still apply to them.
// Must not know: any I/O, sockets or Poco. Thread-safety: a plain value type.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::core {

class IpNetwork {
 public:
  // "ADDRESS/PREFIX" or "ADDRESS" (IPv6 without brackets). nullopt when malformed, when the prefix is out of
  // range or when bits beyond the prefix are set ("10.1.2.3/8" is a typo for a host or for 10.0.0.0/8, and
  // guessing which would widen or narrow what the administrator allowed).
  static std::optional<IpNetwork> parse(std::string_view text);

  // address is 4 bytes (IPv4) or 16 bytes (IPv6) in network order, as in in_addr / in6_addr.
  bool contains(const void* address, std::size_t length) const;
  // Textual form: inet_pton(3) syntax ("127.0.0.1", "::1", "::ffff:10.0.0.1").
  bool contains(std::string_view address) const;

  bool ipv4() const { return ipv4_; }
  unsigned prefixLength() const { return prefix_; }
  // Canonical text: "10.0.0.0/8", "fc00::/7"; parse(str()) gives the same network.
  std::string str() const;

  friend bool operator==(const IpNetwork& a, const IpNetwork& b) {
    return a.ipv4_ == b.ipv4_ && a.prefix_ == b.prefix_ && a.bytes_ == b.bytes_;
  }

 private:
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 in the first four
  bool ipv4_ = false;
  unsigned prefix_ = 0;
};

}  // namespace postern::core
