#include "relay/route_table.h"

#include "core/error.h"
#include "core/text.h"

namespace postern::relay {

namespace {

bool hasSpaceOrControl(const std::string& s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
  return false;
}

[[noreturn]] void invalid(const std::string& route, const std::string& why) {
  throw core::Error::permanent("route '" + route + "': " + why);
}

}  // namespace

RouteTable::RouteTable(const std::vector<RoutePatterns>& routes) {
  std::unordered_map<std::string, std::size_t> names;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const RoutePatterns& route = routes[i];
    if (route.name.empty()) throw core::Error::permanent("route #" + std::to_string(i + 1) + " has no name");
    if (hasSpaceOrControl(route.name)) invalid(route.name, "a name without spaces or control characters");
    if (!names.emplace(route.name, i).second) invalid(route.name, "the name is used twice");
    if (route.senders.empty()) invalid(route.name, "no senders (use \"*\" for the default route)");
    for (const std::string& pattern : route.senders) {
      const auto taken = [&](std::size_t other) {
        if (other == i) return;  // listed twice in the same route: harmless
        invalid(route.name, "sender '" + pattern + "' is also in route '" + routes[other].name + "'");
      };
      if (pattern == "*") {
        if (default_ && *default_ != i)
          invalid(route.name, "a second default route \"*\" (the first is '" + routes[*default_].name + "')");
        default_ = i;
        continue;
      }
      if (pattern.empty() || hasSpaceOrControl(pattern))
        invalid(route.name, "sender pattern '" + pattern + "' is malformed");
      const auto at = pattern.rfind('@');
      if (at == std::string::npos)
        invalid(route.name,
                "sender pattern '" + pattern + "' needs an '@' (\"@" + pattern + "\" for the domain)");
      const std::string domain = core::toLowerAscii(pattern.substr(at + 1));
      if (domain.empty()) invalid(route.name, "sender pattern '" + pattern + "' has no domain");
      if (at == 0) {
        if (auto [it, fresh] = domains_.emplace(domain, i); !fresh) taken(it->second);
      } else {
        if (auto [it, fresh] = addresses_.emplace(core::toLowerAscii(pattern), i); !fresh) taken(it->second);
      }
    }
  }
}

std::optional<std::size_t> RouteTable::lookup(const std::string& sender,
                                              const std::string& firstRecipient) const {
  // RFC 5321 §4.5.5: a bounce has the null reverse-path; it goes where mail to its recipient would come from.
  const std::string address = core::toLowerAscii(sender.empty() ? firstRecipient : sender);
  if (!address.empty()) {
    if (const auto it = addresses_.find(address); it != addresses_.end()) return it->second;
    // The domain follows the last '@': a quoted local part may hold one too.
    if (const auto at = address.rfind('@'); at != std::string::npos) {
      if (const auto it = domains_.find(address.substr(at + 1)); it != domains_.end()) return it->second;
    }
  }
  return default_;
}

}  // namespace postern::relay
