// relay::Router — per-sender routes, each a Relay of its own (hosts in failover order, TLS mode, CA,
// credentials, connection pool, timeouts), and changing them while mail flows.
//
// Owns: choosing the route for a message (RouteTable: exact address > domain > "*"; a bounce goes by its
// first recipient), the table of routes and their Relays, and replacing that table without a restart:
// a route whose name and version are unchanged keeps its Relay (and so its pooled connections); a
// changed or removed route's Relay is dropped from the table, and is stopped and destroyed (QUIT to its
// idle connections) when the last delivery using it returns.
// Must not know: where routes come from (config, admin), OAuth token endpoints (tokens arrive through
// AuthOptions::accessToken), the queue.
// Thread-safety: every member may be called from any number of threads at once; update() calls are
// serialized. Destroy the Router only after every deliver() call has returned.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay/relay.h"

namespace postern::relay {

struct Route {
  std::string name;                  // for logs and reports ("m365", "default")
  std::vector<std::string> senders;  // "*" (default route), "@example.org" (that domain exactly),
                                     // "alice@example.org" (one address); ASCII case-insensitive
  std::string version;               // opaque: the caller changes it when the route's settings change
  RelayOptions options;  // its hosts (in failover order), TLS mode, CA, credentials, pool size, timeouts
};

class Router {
 public:
  // Validates the routes (RouteTable's rules) and builds one Relay per route (RelayOptions' rules; no
  // network). Throws core::Error (permanent) naming the route: "route 'm365': ...".
  explicit Router(std::vector<Route> routes);
  ~Router();  // stop()
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Replaces the table, validated as above; on an error it throws and the old table stays in force.
  // Logs the added, changed and removed route names (information). Relays of dropped routes may be
  // destroyed in this call when nothing uses them: that QUITs their idle connections (bounded waits).
  void update(std::vector<Route> routes);

  // As update(), except that a route whose Relay cannot be built (an unreadable CA file, say) does not
  // fail the table: it stays in it without smarthosts, so its senders' mail is deferred ("no usable
  // smarthost ...") rather than taken by another route with other credentials. Each Relay is built once
  // per change of its route. Returns those routes with the reason; still throws for a table that is
  // invalid as a whole (RouteTable's rules).
  struct Unbuildable {
    std::string name;
    std::string error;
  };
  std::vector<Unbuildable> updateKeepingUnbuildable(std::vector<Route> routes);

  // Picks the route and delivers through its Relay; report.route names it. No route: every recipient
  // Deferred "no route for sender <x> (and no default route)". After stop(): Deferred "shutting down".
  DeliveryReport deliver(const OutboundMessage& message);

  // The route's name for this sender ("" for none). sender "" is the null reverse-path: firstRecipient
  // decides, as in deliver(). For `postern route test`.
  std::string routeFor(const std::string& sender, const std::string& firstRecipient = "") const;

  // Relay::check() of the named route's Relay (run outside the table's lock); nullopt for no such route.
  std::optional<std::vector<SmarthostCheck>> check(const std::string& name);

  // Stops every Relay (current ones, and replaced ones still finishing a delivery); later deliver()
  // calls answer Deferred "shutting down".
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::relay
