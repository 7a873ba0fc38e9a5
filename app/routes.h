// Delivery routes, app/'s part: the relay.* settings mapped to relay options (the "config" route and the
// HELO name and timeouts every route shares), and `postern route test`'s answer. The rules of routing a
// delivery (table polling, the default route, unusable routes, the bounded wait for a connection) live in
// relay::RoutedTransport; the stored routes and their OAuth token sources in routing::StoredRoutes.
#pragma once

#include <string>

#include "config/config.h"
#include "relay/routed_transport.h"
#include "routing/route_admin.h"

namespace postern::app {

// Our HELO name and the relay.* timeouts, without smarthost or credentials: what every route shares.
relay::RelayOptions baseRelayOptions(const config::Config& cfg, const std::string& hostname);

// The relay options of the relay.* settings (the "config" route), with our host name for EHLO.
relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname);

// RoutedTransport's options: the base above, and relay.* as the smarthost when one is configured.
relay::RoutedTransportOptions routedTransportOptions(const config::Config& cfg, const std::string& hostname);

// Which route a sender's mail takes (`postern route test`): the table's routes, then the config route.
// "" when none. Needs no secrets.
std::string routeFor(const config::Config& cfg, routing::RouteAdmin& admin, const std::string& sender,
                     const std::string& firstRecipient);

}  // namespace postern::app
