// relay::RoutedTransport — delivery through the routes of a RouteSource, as the queue's transport uses it
// (app/ adapts it to queue::Transport): which routes are in force, the configured smarthost as the
// default route, and never holding a thread for a saturated route.
//
// Owns these rules:
// - The routes are re-read when the source's generation changes, checked at most once per checkInterval
//   before a delivery; deliveries go on over the current routes while the new ones are built. A table
//   that cannot be built as a whole is kept out and tried again after retryFailedAfter, not at every check.
// - Each route's Relay is built once per change of that route (Router::updateKeepingUnbuildable); a route
//   whose Relay cannot be built, or whose source marks it unusable, keeps its senders and defers their
//   mail; the other routes still load.
// - The configured smarthost (relay.*) is the default route "config" unless the table has a "*" route;
//   with neither routes nor a smarthost, available() is false and the queue is held.
// - A delivery waits at most connectionWait for a connection of its route; then report.busy (nothing was
//   sent) and the queue puts the message back without counting an attempt.
// Must not know: the queue, the routes table or the vault, OAuth endpoints (token callbacks arrive in the
// routes' AuthOptions).
// Thread-safety: deliver(), available(), routeNames() and stop() may be called from any number of
// threads at once. The RouteSource must outlive this object.
#pragma once

#include <Poco/Logger.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "relay/route_source.h"
#include "relay/route_table.h"
#include "relay/router.h"

namespace postern::relay {

// The name of the default route made of the configured smarthost.
inline constexpr const char* kConfiguredRoute = "config";

// The default-route rule: the configured smarthost takes the senders no route matches unless the table
// has a "*" route of its own. Appends the "config" route to `table` when it applies (for `postern route
// test` as for delivery).
bool hasDefaultRoute(const std::vector<std::string>& senders);
std::vector<RoutePatterns> withConfiguredDefault(std::vector<RoutePatterns> table, bool smarthostConfigured);

struct RoutedTransportOptions {
  // Our HELO name and the timeouts, for routes that cannot be used (they need a Relay that defers).
  RelayOptions base;
  std::optional<RelayOptions> smarthost;  // relay.*: the "config" route, when configured
  std::chrono::milliseconds checkInterval{1000};
  std::chrono::milliseconds retryFailedAfter{60000};
  std::chrono::milliseconds connectionWait{500};  // per delivery, for a connection of its route
};

class RoutedTransport {
 public:
  // Loads the routes once (a source that fails leaves no route until the next check).
  RoutedTransport(RouteSource& source, RoutedTransportOptions options);
  ~RoutedTransport();  // stop()
  RoutedTransport(const RoutedTransport&) = delete;
  RoutedTransport& operator=(const RoutedTransport&) = delete;

  // Delivers through the sender's route (Router::deliver); report.busy when no connection of the route
  // freed within connectionWait.
  DeliveryReport deliver(const OutboundMessage& message);
  // False while there is no route at all (no table route, no smarthost): the queue is then held.
  bool available();
  // The route names in force, in table order, "config" last when it applies.
  std::vector<std::string> routeNames();
  std::string routeFor(const std::string& sender, const std::string& firstRecipient = "") const;
  // Relay::check() for the named route in force, after re-reading a changed table at once (not after
  // checkInterval). A route that cannot be used (its secrets do not open, its Relay cannot be built)
  // answers one entry saying why; nullopt for no such route.
  std::optional<std::vector<SmarthostCheck>> check(const std::string& name);
  void stop();

 private:
  void refresh();
  std::vector<Route> build(std::vector<std::string>& names, std::map<std::string, std::string>& problems);
  Route deferring(const std::string& name, const std::vector<std::string>& senders,
                  const std::string& version) const;

  RouteSource& source_;
  const RoutedTransportOptions options_;
  Poco::Logger& logger_;
  Router router_;  // update() swaps its table

  std::mutex mutex_;  // guards the fields below (never held during a rebuild or a delivery)
  std::optional<std::int64_t> generation_;
  std::chrono::steady_clock::time_point checkedAt_;
  bool checked_ = false;
  std::optional<std::int64_t> failedGeneration_;
  std::chrono::steady_clock::time_point retryFailedAt_;
  std::vector<std::string> names_;
  std::map<std::string, std::string> problems_;  // route name → why it cannot be used

  std::mutex rebuildMutex_;  // one rebuild at a time
};

}  // namespace postern::relay
