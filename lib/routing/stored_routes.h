// routing::StoredRoutes — the routes table as the running server delivers through it: relay::RouteSource
// over RouteAdmin::resolve() (secrets opened) and the table's change counter.
//
// Owns: turning a stored route into a relay::Route (hosts, TLS mode, CA file, pool size, credentials over
// the base options' HELO name and timeouts), and one oauth::TokenSource per OAuth route and version: kept
// while the route is unchanged (its cached token with it), dropped when the route changes or goes, and a
// refresh token the endpoint rotates sealed back into the table. Routes whose secrets do not open, or whose
// stored modes Postern does not know, are passed on as unusable (their senders' mail is deferred, and the
// reason logged, by relay::RoutedTransport).
// Must not know: which route a message takes, connections, the queue.
// Thread-safety: generation() and routes() from one thread at a time (RoutedTransport guarantees it); the
// token callbacks in the routes it returns may run on any thread.
#pragma once

#include <Poco/Logger.h>

#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "oauth/token_endpoint_client.h"
#include "oauth/token_source.h"
#include "relay/route_source.h"
#include "routing/route_admin.h"

namespace postern::routing {

class StoredRoutes final : public relay::RouteSource {
 public:
  // base: our HELO name and the relay timeouts, which every route shares (connectTimeout also bounds a
  // token request). The admin, repository, client and clock must outlive this object.
  StoredRoutes(RouteAdmin& admin, store::RouteRepository& repository, relay::RelayOptions base,
               std::shared_ptr<oauth::TokenEndpointClient> tokenClient, const core::Clock& clock);

  std::int64_t generation() override { return repository_.generation(); }
  relay::RouteSet routes() override;

  // OAuth token sources held (one per OAuth route and version), for tests and status.
  std::size_t tokenSources() const { return tokens_.size(); }

 private:
  relay::Route toRoute(const ResolvedRoute& route,
                       std::map<std::string, std::shared_ptr<oauth::TokenSource>>& keep);
  std::shared_ptr<oauth::TokenSource> tokenSource(const ResolvedRoute& route);

  RouteAdmin& admin_;
  store::RouteRepository& repository_;
  const relay::RelayOptions base_;
  const std::shared_ptr<oauth::TokenEndpointClient> tokenClient_;
  const core::Clock& clock_;
  Poco::Logger& logger_;
  std::map<std::string, std::shared_ptr<oauth::TokenSource>> tokens_;  // "name#version"
};

}  // namespace postern::routing
