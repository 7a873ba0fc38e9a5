#include "core/ip_network.h"

#include <arpa/inet.h>

#include <cstring>

namespace postern::core {

namespace {

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool isMapped(const std::uint8_t* v6) { return std::memcmp(v6, kMappedPrefix, sizeof kMappedPrefix) == 0; }

// True when the first `bits` bits of a and b agree.
bool samePrefix(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
  const unsigned whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const unsigned rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

bool hostBitsClear(const std::uint8_t* bytes, unsigned length, unsigned prefix) {
  for (unsigned bit = prefix; bit < length * 8; ++bit)
    if (bytes[bit / 8] & (0x80 >> (bit % 8))) return false;
  return true;
}

}  // namespace

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  IpNetwork network;
  unsigned maxPrefix = 0;
  if (::inet_pton(AF_INET, address.c_str(), network.bytes_.data()) == 1) {
    network.ipv4_ = true;
    maxPrefix = 32;
  } else if (::inet_pton(AF_INET6, address.c_str(), network.bytes_.data()) == 1) {
    maxPrefix = 128;
  } else {
    return std::nullopt;
  }
  network.prefix_ = maxPrefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    unsigned prefix = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return std::nullopt;
      prefix = prefix * 10 + static_cast<unsigned>(ch - '0');
    }
    if (prefix > maxPrefix) return std::nullopt;
    network.prefix_ = prefix;
  }
  if (!hostBitsClear(network.bytes_.data(), maxPrefix / 8, network.prefix_)) return std::nullopt;
  if (!network.ipv4_ && network.prefix_ >= 96 && isMapped(network.bytes_.data())) {
    std::array<std::uint8_t, 16> v4{};
    std::memcpy(v4.data(), network.bytes_.data() + 12, 4);
    network.bytes_ = v4;
    network.ipv4_ = true;
    network.prefix_ -= 96;
  }
  return network;
}

bool IpNetwork::contains(const void* address, std::size_t length) const {
  const auto* bytes = static_cast<const std::uint8_t*>(address);
  if (length == 16 && isMapped(bytes)) {
    bytes += 12;
    length = 4;
  }
  if (length != (ipv4_ ? 4u : 16u)) return false;
  return samePrefix(bytes, bytes_.data(), prefix_);
}

bool IpNetwork::contains(std::string_view address) const {
  const std::string text(address);
  std::uint8_t bytes[16];
  if (::inet_pton(AF_INET, text.c_str(), bytes) == 1) return contains(bytes, 4);
  if (::inet_pton(AF_INET6, text.c_str(), bytes) == 1) return contains(bytes, 16);
  return false;
}

std::string IpNetwork::str() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(ipv4_ ? AF_INET : AF_INET6, bytes_.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix_);
}

}  // namespace postern::core
