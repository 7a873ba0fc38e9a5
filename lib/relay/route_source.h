// relay::RouteSource — the port through which relay::RoutedTransport learns the routes: what they are now,
// and a counter that says whether they changed.
//
// Owns: nothing; it is the shape of the answer. Implemented over the routes table (routing::StoredRoutes)
// and by fakes in tests. Must not know: how RoutedTransport uses the routes.
// Thread-safety: RoutedTransport calls generation() and routes() from one thread at a time (any thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "relay/router.h"

namespace postern::relay {

// A route that exists but cannot be used as stored (its secrets do not open, a mode is unknown): its
// senders stay on it and their mail is deferred, rather than falling through to another route with other
// credentials.
struct UnusableRoute {
  std::string name;
  std::vector<std::string> senders;
  std::string error;  // for the log, never a secret: "route m365: ..."
};

struct RouteSet {
  std::vector<Route> routes;  // with their options ready for a Relay (credentials, token callbacks)
  std::vector<UnusableRoute> unusable;
};

class RouteSource {
 public:
  virtual ~RouteSource() = default;
  // Changes whenever routes() would answer differently. May throw: the routes in use stay.
  virtual std::int64_t generation() = 0;
  // The routes now. May throw: the routes in use stay.
  virtual RouteSet routes() = 0;
};

}  // namespace postern::relay
