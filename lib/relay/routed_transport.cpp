#include "relay/routed_transport.h"

#include <algorithm>

namespace postern::relay {

bool hasDefaultRoute(const std::vector<std::string>& senders) {
  return std::find(senders.begin(), senders.end(), "*") != senders.end();
}

std::vector<RoutePatterns> withConfiguredDefault(std::vector<RoutePatterns> table, bool smarthostConfigured) {
  const bool tableHasDefault = std::any_of(table.begin(), table.end(),
                                           [](const RoutePatterns& r) { return hasDefaultRoute(r.senders); });
  if (smarthostConfigured && !tableHasDefault) table.push_back(RoutePatterns{kConfiguredRoute, {"*"}});
  return table;
}

RoutedTransport::RoutedTransport(RouteSource& source, RoutedTransportOptions options)
    : source_(source),
      options_(std::move(options)),
      logger_(Poco::Logger::get("relay")),
      router_(std::vector<Route>{}) {
  refresh();
}

RoutedTransport::~RoutedTransport() { stop(); }

void RoutedTransport::stop() { router_.stop(); }

Route RoutedTransport::deferring(const std::string& name, const std::vector<std::string>& senders,
                                 const std::string& version) const {
  Route route{name, senders, version, options_.base};
  route.options.smarthosts.clear();  // every delivery is deferred: "no usable smarthost ..."
  return route;
}

std::vector<Route> RoutedTransport::build(std::vector<std::string>& names,
                                          std::map<std::string, std::string>& problems) {
  RouteSet set = source_.routes();
  std::vector<Route> routes;
  std::vector<RoutePatterns> patterns;
  for (const UnusableRoute& u : set.unusable) {
    logger_.error(u.error + ": its mail is deferred until this is fixed");
    problems[u.name] = u.error;
    routes.push_back(deferring(u.name, u.senders, "unusable"));
  }
  for (Route& route : set.routes) {
    route.options.connectionWait = options_.connectionWait;
    routes.push_back(std::move(route));
  }
  for (const Route& route : routes) patterns.push_back(RoutePatterns{route.name, route.senders});
  const bool smarthost = options_.smarthost && !options_.smarthost->smarthosts.empty();
  if (withConfiguredDefault(patterns, smarthost).size() > patterns.size()) {
    Route config{kConfiguredRoute, {"*"}, kConfiguredRoute, *options_.smarthost};
    config.options.connectionWait = options_.connectionWait;
    routes.push_back(std::move(config));
  } else if (smarthost) {
    logger_.information("relay.smarthost is not used: the route table has a default (*) route");
  }
  for (const Route& route : routes) names.push_back(route.name);
  return routes;
}

void RoutedTransport::refresh() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (checked_ && now - checkedAt_ < options_.checkInterval) return;
    checked_ = true;
    checkedAt_ = now;
  }
  // Deliveries go on over the current routes while another thread rebuilds (it may wait for QUITs).
  std::unique_lock rebuild(rebuildMutex_, std::try_to_lock);
  if (!rebuild.owns_lock()) return;
  std::int64_t generation = 0;
  try {
    generation = source_.generation();
  } catch (const std::exception& e) {
    logger_.warning(std::string("routes: cannot read the route table: ") + e.what());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (generation_ == generation) return;
    // A table that failed to load is tried again after a while (a CA file may appear), not every check.
    if (failedGeneration_ == generation && now < retryFailedAt_) return;
  }
  std::vector<std::string> names;
  std::map<std::string, std::string> problems;
  try {
    for (const auto& problem : router_.updateKeepingUnbuildable(build(names, problems))) {
      logger_.error("route " + problem.name + " cannot be used (" + problem.error +
                    "): its mail is deferred until this is fixed");
      problems[problem.name] = problem.error;
    }
  } catch (const std::exception& e) {
    logger_.error(std::string("routes: the new route table is not usable, keeping the previous one: ") +
                  e.what());
    std::lock_guard lock(mutex_);
    failedGeneration_ = generation;
    retryFailedAt_ = now + options_.retryFailedAfter;
    return;
  }
  std::lock_guard lock(mutex_);
  generation_ = generation;
  names_ = std::move(names);
  problems_ = std::move(problems);
}

DeliveryReport RoutedTransport::deliver(const OutboundMessage& message) {
  refresh();
  return router_.deliver(message);
}

bool RoutedTransport::available() {
  refresh();
  std::lock_guard lock(mutex_);
  return !names_.empty();
}

std::vector<std::string> RoutedTransport::routeNames() {
  std::lock_guard lock(mutex_);
  return names_;
}

std::string RoutedTransport::routeFor(const std::string& sender, const std::string& firstRecipient) const {
  return router_.routeFor(sender, firstRecipient);
}

std::optional<std::vector<SmarthostCheck>> RoutedTransport::check(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    checked_ = false;  // an administrator who just changed the route checks the new settings
  }
  refresh();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = problems_.find(name); it != problems_.end()) {
      SmarthostCheck unusable;
      unusable.error = "the route cannot be used: " + it->second;
      return std::vector<SmarthostCheck>{std::move(unusable)};
    }
  }
  return router_.check(name);
}

}  // namespace postern::relay
