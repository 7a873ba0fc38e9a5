#include "relay/router.h"

#include <Poco/Logger.h>

#include <mutex>
#include <optional>

#include "core/error.h"
#include "core/text.h"
#include "relay/route_table.h"
#include "relay/server_reply.h"

namespace postern::relay {

namespace {

struct Entry {
  std::string name;
  std::string version;
  std::shared_ptr<Relay> relay;
};

struct Table {
  RouteTable lookup;
  std::vector<Entry> entries;  // in the order given; lookup's indexes point here
};

std::vector<RoutePatterns> patternsOf(const std::vector<Route>& routes) {
  std::vector<RoutePatterns> patterns;
  patterns.reserve(routes.size());
  for (const Route& route : routes) patterns.push_back(RoutePatterns{route.name, route.senders});
  return patterns;
}

std::shared_ptr<Relay> makeRelay(const Route& route) {
  try {
    return std::make_shared<Relay>(route.options);
  } catch (const std::exception& e) {
    throw core::Error::permanent("route '" + route.name + "': " + e.what());
  }
}

// The same route with nowhere to go: every delivery is deferred until its settings change.
std::shared_ptr<Relay> makeDeferringRelay(const Route& route) {
  RelayOptions options;
  options.heloName = route.options.heloName;
  options.connectTimeout = route.options.connectTimeout;
  options.commandTimeout = route.options.commandTimeout;
  options.dataTimeout = route.options.dataTimeout;
  options.idleTimeout = route.options.idleTimeout;
  options.tls = TlsMode::None;
  return makeRelay(Route{route.name, route.senders, route.version, std::move(options)});
}

const Entry* find(const Table* table, const std::string& name) {
  if (!table) return nullptr;
  for (const Entry& entry : table->entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
  return names.empty() ? "-" : core::join(names, ",");
}

DeliveryReport everyone(const OutboundMessage& message, const std::string& reply) {
  DeliveryReport report;
  report.recipients.assign(message.recipients.size(), RecipientResult{Outcome::Deferred, reply});
  return report;
}

}  // namespace

class Router::Impl {
 public:
  explicit Impl(std::vector<Route> routes) : logger_(Poco::Logger::get("relay")) {
    std::vector<std::string> added, changed, unchanged;
    table_ = build(routes, nullptr, added, changed, unchanged, nullptr);
    std::vector<std::string> all;
    for (const Route& route : routes) all.push_back(route.name);
    logger_.information("event=routes-loaded routes=" + joined(all));
  }

  void update(std::vector<Route> routes, std::vector<Router::Unbuildable>* unbuildable) {
    std::lock_guard serial(updating_);
    std::shared_ptr<const Table> old;
    {
      std::lock_guard lock(mutex_);
      old = table_;
    }
    std::vector<std::string> added, changed, unchanged;
    std::shared_ptr<const Table> fresh =
        build(routes, old.get(), added, changed, unchanged, unbuildable);  // throws: old stays
    std::vector<std::string> removed;
    for (const Entry& entry : old->entries)
      if (!find(fresh.get(), entry.name)) removed.push_back(entry.name);
    {
      std::lock_guard lock(mutex_);
      table_ = fresh;
      for (const Entry& entry : old->entries)
        if (!reuses(*fresh, entry)) retired_.push_back(entry.relay);
      std::erase_if(retired_, [](const std::weak_ptr<Relay>& r) { return r.expired(); });
    }
    logger_.information("event=routes-updated added=" + joined(added) + " changed=" + joined(changed) +
                        " removed=" + joined(removed) + " unchanged=" + joined(unchanged));
    // Outside the lock: a dropped Relay nobody is using is destroyed here and says QUIT to its idle
    // connections; one still delivering lives on in that delivery's hands.
    old.reset();
  }

  DeliveryReport deliver(const OutboundMessage& message) {
    if (message.recipients.empty()) return DeliveryReport{};
    std::string name;
    std::shared_ptr<Relay> relay;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return everyone(message, "shutting down");
      const std::optional<std::size_t> index =
          table_->lookup.lookup(message.sender, message.recipients.front());
      if (index) {
        name = table_->entries[*index].name;
        relay = table_->entries[*index].relay;  // keeps this route's Relay alive until we return
      }
    }
    if (!relay) {
      logger_.debug("event=no-route sender=" + core::logValue("<" + message.sender + ">"));
      return everyone(message,
                      "no route for sender <" + message.sender + ">" +
                          (message.sender.empty() ? " to <" + message.recipients.front() + ">" : "") +
                          " (and no default route)");
    }
    logger_.debug("event=route sender=" + core::logValue("<" + message.sender + ">") +
                  " route=" + core::logValue(name));
    DeliveryReport report = relay->deliver(message);
    report.route = name;
    return report;
  }

  std::string routeFor(const std::string& sender, const std::string& firstRecipient) const {
    std::lock_guard lock(mutex_);
    const std::optional<std::size_t> index = table_->lookup.lookup(sender, firstRecipient);
    return index ? table_->entries[*index].name : std::string();
  }

  std::optional<std::vector<SmarthostCheck>> check(const std::string& name) {
    std::shared_ptr<Relay> relay;
    {
      std::lock_guard lock(mutex_);
      if (const Entry* entry = find(table_.get(), name)) relay = entry->relay;
    }
    if (!relay) return std::nullopt;
    return relay->check();
  }

  void stop() {
    std::vector<std::shared_ptr<Relay>> relays;
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      for (const Entry& entry : table_->entries) relays.push_back(entry.relay);
      for (const auto& weak : retired_)
        if (auto relay = weak.lock()) relays.push_back(std::move(relay));
    }
    for (const auto& relay : relays) relay->stop();
  }

 private:
  static bool reuses(const Table& table, const Entry& old) {
    const Entry* kept = find(&table, old.name);
    return kept && kept->relay == old.relay;
  }

  // Validates and builds the new table; Relays of unchanged routes (same name and version) are shared
  // with the old table. Throws without touching anything. With `unbuildable`, a route whose Relay cannot
  // be built gets a deferring one (and a version of its own, so the next change tries again).
  static std::shared_ptr<const Table> build(const std::vector<Route>& routes, const Table* old,
                                            std::vector<std::string>& added,
                                            std::vector<std::string>& changed,
                                            std::vector<std::string>& unchanged,
                                            std::vector<Router::Unbuildable>* unbuildable) {
    RouteTable lookup(patternsOf(routes));
    std::vector<Entry> entries;
    entries.reserve(routes.size());
    for (const Route& route : routes) {
      const Entry* previous = find(old, route.name);
      if (previous && previous->version == route.version) {
        entries.push_back(*previous);
        unchanged.push_back(route.name);
        continue;
      }
      if (!unbuildable) {
        entries.push_back(Entry{route.name, route.version, makeRelay(route)});
      } else {
        try {
          entries.push_back(Entry{route.name, route.version, makeRelay(route)});
        } catch (const std::exception& e) {
          unbuildable->push_back(Router::Unbuildable{route.name, e.what()});
          entries.push_back(Entry{route.name, "unbuildable:" + route.version, makeDeferringRelay(route)});
        }
      }
      (previous ? changed : added).push_back(route.name);
    }
    return std::make_shared<const Table>(Table{std::move(lookup), std::move(entries)});
  }

  Poco::Logger& logger_;
  std::mutex updating_;  // one update() at a time
  mutable std::mutex mutex_;
  std::shared_ptr<const Table> table_;
  std::vector<std::weak_ptr<Relay>> retired_;  // replaced Relays, possibly still finishing a delivery
  bool stopped_ = false;
};

Router::Router(std::vector<Route> routes) : impl_(std::make_unique<Impl>(std::move(routes))) {}

Router::~Router() { impl_->stop(); }

void Router::update(std::vector<Route> routes) { impl_->update(std::move(routes), nullptr); }

std::vector<Router::Unbuildable> Router::updateKeepingUnbuildable(std::vector<Route> routes) {
  std::vector<Unbuildable> unbuildable;
  impl_->update(std::move(routes), &unbuildable);
  return unbuildable;
}

DeliveryReport Router::deliver(const OutboundMessage& message) {
  try {
    return impl_->deliver(message);
  } catch (const std::exception& e) {
    return everyone(message, std::string("internal error: ") + e.what());
  }
}

std::string Router::routeFor(const std::string& sender, const std::string& firstRecipient) const {
  return impl_->routeFor(sender, firstRecipient);
}

std::optional<std::vector<SmarthostCheck>> Router::check(const std::string& name) {
  return impl_->check(name);
}

void Router::stop() { impl_->stop(); }

}  // namespace postern::relay
