// relay::RouteTable — which route a sender belongs to. Internal to relay (Router's lookup), public so
// tests can read the rules directly.
//
// Owns: the sender patterns ("*" the default, "@example.org" one domain exactly, "alice@example.org" one
// address; ASCII case-insensitive), their validation (a pattern in at most one route, at most one "*",
// route names unique and printable), and the lookup: exact address > domain > "*"; the null reverse-path
// (a bounce) is routed by its first recipient. Must not know: Relays, sockets. Thread-safety: immutable
// after construction.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace postern::relay {

struct RoutePatterns {
  std::string name;
  std::vector<std::string> senders;
};

class RouteTable {
 public:
  // Throws core::Error (permanent) naming the route and the pattern: an empty or duplicate name, a route
  // without senders, a malformed pattern, a pattern in two routes, more than one "*".
  explicit RouteTable(const std::vector<RoutePatterns>& routes);

  // The index (in the constructor's order) of the route for this envelope, or nullopt. sender "" is the
  // null reverse-path: then firstRecipient decides.
  std::optional<std::size_t> lookup(const std::string& sender, const std::string& firstRecipient = "") const;

 private:
  std::unordered_map<std::string, std::size_t> addresses_;  // "alice@example.org"
  std::unordered_map<std::string, std::size_t> domains_;    // "example.org"
  std::optional<std::size_t> default_;
};

}  // namespace postern::relay
