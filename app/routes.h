// Delivery routes in the running server: the queue's Transport over a relay::Router whose routes come from
// the routes table (`postern route ...`, sealed secrets opened through routing::RouteAdmin) and, as the
// default route "config", from the relay.* settings when the table has no "*" route of its own. OAuth
// routes get an oauth::TokenSource each (cached tokens, refresh before expiry, rotated refresh tokens sealed
// back into the table). The table's change counter is checked at most once a second before a delivery, so
// route changes apply without a restart.
//
// Thread-safety: deliver() and available() may run on every queue worker at once.
#pragma once

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "oauth/token_source.h"
#include "queue/manager.h"
#include "relay/router.h"
#include "routing/route_admin.h"
#include "store/route_repository.h"

namespace postern::app {

class DeliveryRoutes final : public queue::Transport {
 public:
  DeliveryRoutes(const config::Config& cfg, std::string hostname, routing::RouteAdmin& admin,
                 store::RouteRepository& repository, const core::Clock& clock);
  ~DeliveryRoutes() override;

  queue::AttemptResult deliver(const queue::QueuedMessage& message,
                               const std::vector<std::size_t>& recipients) override;
  // True when at least one route exists; false holds the queue.
  bool available() override;
  // Route names in use, for the start-up log.
  std::vector<std::string> routeNames();
  void stop();

 private:
  // Rebuilds the router when the route table changed; checks at most once a second. Deliveries keep going
  // on the current table while a rebuild runs (it may wait for idle connections to QUIT).
  void refresh();
  std::vector<relay::Route> build(std::vector<std::string>& names, std::map<std::string, std::size_t>& capacity);
  // A route whose Relay cannot be built (an unreadable CA file, say) becomes a route without smarthosts:
  // its senders' mail is deferred, and the other routes still load.
  relay::Route usable(relay::Route route);
  std::shared_ptr<oauth::TokenSource> tokenSource(const routing::ResolvedRoute& route);

  const config::Config& cfg_;
  const std::string hostname_;
  routing::RouteAdmin& admin_;
  store::RouteRepository& repository_;
  const core::Clock& clock_;
  Poco::Logger& logger_;
  const std::shared_ptr<oauth::TokenEndpointClient> tokenClient_;

  std::unique_ptr<relay::Router> router_;  // built once; update() swaps its table

  std::mutex mutex_;  // guards the fields below (never held during a rebuild or a delivery)
  std::map<std::string, std::size_t> capacity_;  // route name → its connections
  std::map<std::string, std::size_t> busy_;      // route name → deliveries in progress
  std::condition_variable slotFreed_;
  std::int64_t generation_ = -1;
  std::chrono::steady_clock::time_point checkedAt_;
  std::int64_t failedGeneration_ = -1;
  std::chrono::steady_clock::time_point retryFailedAt_;
  std::vector<std::string> names_;

  std::mutex rebuildMutex_;  // one rebuild at a time; guards tokens_
  std::map<std::string, std::shared_ptr<oauth::TokenSource>> tokens_;  // "name#version"
};

// The relay options of the relay.* settings (the "config" route), with our host name for EHLO.
relay::RelayOptions configRelayOptions(const config::Config& cfg, const std::string& hostname);

// Which route a sender's mail takes (`postern route test`): the table's routes, then the config route.
// "" when none. Needs no secrets.
std::string routeFor(const config::Config& cfg, routing::RouteAdmin& admin, const std::string& sender,
                     const std::string& firstRecipient);

}  // namespace postern::app
