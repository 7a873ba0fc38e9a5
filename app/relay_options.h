// The relay.* settings mapped to relay options: the "config" route, and the HELO name and timeouts every
// route shares. Only the mapping lives here: the rules of routing a delivery (table polling, the default
// route, unusable routes, the bounded wait for a connection) are relay::RoutedTransport's, the stored
// routes and their OAuth token sources routing::StoredRoutes', and `postern route test`'s answer
// admin::Routes::routeFor's.
#pragma once

#include <string>

#include "config/config.h"
#include "relay/routed_transport.h"

namespace postern::app {

// Our HELO name and the relay.* timeouts, without smarthost or credentials: what every route shares.
relay::RelayOptions baseRelayOptions(const config::Config& cfg, const std::string& hostname);

// The relay options of the relay.* settings (the "config" route), with our host name for EHLO.
relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname);

// RoutedTransport's options: the base above, and relay.* as the smarthost when one is configured.
relay::RoutedTransportOptions routedTransportOptions(const config::Config& cfg, const std::string& hostname);

}  // namespace postern::app
